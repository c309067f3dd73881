// Back-pressure on one browser-mode socket. A client that sends calls faster than it
// reads their replies must not grow the server's memory, and must not be dropped for being slow
// either: past a bound of unsent bytes the server stops reading that socket (no new calls are
// started, TCP's own flow control then holds the client's sends) and reads again once the
// replies waiting for it drain below a lower mark. Calls already read wait in a backlog, and
// at most `maxCallsInFlight` run at once, so a burst of thousands of pipelined calls cannot all
// start before the first reply shows the client is not reading. Only a client past a much larger
// bound (it never reads, while events keep coming) is dropped.
import type { WebSocket } from 'ws';

export interface FlowLimits {
  /** unsent bytes past which no new call of this socket starts and its reads pause */
  pauseAboveBytes: number;
  /** unsent bytes at or below which they start again */
  resumeBelowBytes: number;
  /** unsent bytes past which the socket is dropped (a client that never reads) */
  maxUnsentBytes: number;
  /** calls of one socket computing at once; the rest wait, and the socket is not read meanwhile */
  maxCallsInFlight: number;
}

export const DEFAULT_FLOW: FlowLimits = {
  pauseAboveBytes: 8 * 1024 * 1024,
  resumeBelowBytes: 1024 * 1024,
  maxUnsentBytes: 256 * 1024 * 1024,
  maxCallsInFlight: 32,
};

export class SocketFlow {
  private backlog: (() => Promise<void>)[] = [];
  private inFlight = 0;
  /** the client is behind on its replies */
  private sendBlocked = false;
  private reading = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: FlowLimits,
    private readonly drop: () => void,
  ) {}

  /** A call read from the socket: started now, or once the client catches up. `run` sends its reply. */
  call(run: () => Promise<void>): void {
    this.backlog.push(run);
    this.pump();
  }

  /** Sends a reply or an event; drops the socket past the hard bound. */
  send(data: string | Uint8Array): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.limits.maxUnsentBytes) return this.drop();
    // the callback runs once this frame is handed to the kernel: the moment to see the backlog drain
    ws.send(data, () => this.written());
    if (!this.sendBlocked && ws.bufferedAmount > this.limits.pauseAboveBytes) {
      this.sendBlocked = true;
      this.pump();
    }
  }

  private written(): void {
    if (this.sendBlocked && this.ws.bufferedAmount <= this.limits.resumeBelowBytes) {
      this.sendBlocked = false;
      this.pump();
    }
  }

  private pump(): void {
    while (this.backlog.length > 0 && !this.sendBlocked && this.inFlight < this.limits.maxCallsInFlight) {
      const run = this.backlog.shift()!;
      this.inFlight++;
      void run().finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    // read on only while nothing waits: what is read now would wait too
    this.setReading(this.backlog.length === 0 && !this.sendBlocked);
  }

  private setReading(on: boolean): void {
    if (on === this.reading) return;
    this.reading = on;
    if (on) this.ws.resume();
    else this.ws.pause();
  }
}
