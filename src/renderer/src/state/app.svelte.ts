// The app-wide state: what the service is, which datasets and runs exist, which jobs run,
// what is selected and which view shows. Views read getters and call methods; the service's
// events keep it fresh.
import { pickApi, unwrap, type ConnectionState } from '../lib/api';
import { JobEnds } from '../lib/job-ends';
import type { AppInfo, DatasetInfo, JobFinished, JobProgress, RunInfo } from '../../../shared/contract';
import { RateSmoother } from '../lib/smooth';
import { handleError, muteErrorsWhile, toasts } from './toasts.svelte';
import type { View } from '../lib/place';

export type { View };

class Connection {
  #state = $state<ConnectionState>('connecting');
  #message = $state('');
  get state(): ConnectionState {
    return this.#state;
  }
  get message(): string {
    return this.#message;
  }
  set(state: ConnectionState, message = ''): void {
    this.#state = state;
    this.#message = message;
  }
}

export const connection = new Connection();
export const api = pickApi((s, m) => {
  const was = connection.state;
  connection.set(s, m);
  // events may have been missed while the socket was down
  if (was === 'reconnecting' && s === 'open') void app.resync();
});
// the connection banner says it once; the calls failing meanwhile make no toasts
muteErrorsWhile(() => connection.state === 'reconnecting' || connection.state === 'lost');

class AppState {
  #info = $state<AppInfo | null>(null);
  #startupError = $state<string | null>(null);
  #view = $state<View>('datasets');
  #datasets = $state.raw<DatasetInfo[]>([]);
  #runs = $state.raw<RunInfo[]>([]);
  #jobs = $state.raw<JobProgress[]>([]);
  #selectedDatasetId = $state<number | null>(null);
  #selectedRunId = $state<number | null>(null);
  #importOpen = $state(false);
  #importPath = $state('');
  #importKind = $state<'folder' | 'idx' | 'mnist'>('folder');
  #loaded = $state(false);
  #refreshing = { datasets: false, runs: false };
  /** per job: its rate and ETA averaged over time, so the status line does not swing */
  #smoothers = new Map<string, RateSmoother>();
  /** every job's ending, for a view waiting on one it started */
  #ends = new JobEnds();

  readonly selectedDataset = $derived(this.#datasets.find((d) => d.id === this.#selectedDatasetId));
  readonly selectedRun = $derived(this.#runs.find((r) => r.id === this.#selectedRunId));
  readonly trainJob = $derived(this.#jobs.find((j) => j.kind === 'train'));

  get info(): AppInfo | null {
    return this.#info;
  }
  get startupError(): string | null {
    return this.#startupError;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get view(): View {
    return this.#view;
  }
  get datasets(): DatasetInfo[] {
    return this.#datasets;
  }
  get runs(): RunInfo[] {
    return this.#runs;
  }
  get jobs(): JobProgress[] {
    return this.#jobs;
  }
  get selectedDatasetId(): number | null {
    return this.#selectedDatasetId;
  }
  get selectedRunId(): number | null {
    return this.#selectedRunId;
  }
  get importOpen(): boolean {
    return this.#importOpen;
  }
  get isElectron(): boolean {
    return api.door === 'electron';
  }

  show(view: View): void {
    this.#view = view;
  }
  selectDataset(id: number | null, view: View | null = 'datasets'): void {
    this.#selectedDatasetId = id;
    if (view) this.#view = view;
  }
  selectRun(id: number | null, view: View | null = null): void {
    this.#selectedRunId = id;
    const run = this.#runs.find((r) => r.id === id);
    if (run) this.#selectedDatasetId = run.datasetId;
    if (view) this.#view = view;
  }
  get importPath(): string {
    return this.#importPath;
  }
  get importKind(): 'folder' | 'idx' | 'mnist' {
    return this.#importKind;
  }
  /** Open the import sheet, optionally with a folder already chosen (drop, menu). */
  openImport(open = true, path = '', kind: 'folder' | 'idx' | 'mnist' = 'folder'): void {
    this.#importOpen = open;
    this.#importPath = path;
    this.#importKind = kind;
  }

  async addMnist(): Promise<void> {
    try {
      unwrap(await api['datasets:import']({ kind: 'mnist' }));
    } catch (err) {
      handleError(err, 'Adding MNIST');
    }
  }

  /** Calls `then` once when the job ends (at once if it ended before its start call returned); returns a stop. */
  onJobEnd(jobId: string, then: (f: JobFinished) => void): () => void {
    return this.#ends.onEnd(jobId, then);
  }

  jobFor(filter: { runId?: number; datasetId?: number; jobId?: string }): JobProgress | undefined {
    return this.#jobs.find(
      (j) =>
        (filter.jobId !== undefined && j.jobId === filter.jobId) ||
        (filter.runId !== undefined && j.runId === filter.runId) ||
        (filter.datasetId !== undefined && j.kind === 'import' && j.datasetId === filter.datasetId),
    );
  }

  async start(): Promise<void> {
    const info = await api['app:info']();
    if (!info.ok) {
      this.#startupError = info.error.message;
      return;
    }
    this.#info = info.value;
    void this.#untilTorchFound();
    api.on('job:progress', (p) => this.#onProgress(p));
    api.on('job:finished', (f) => {
      this.#onFinished(f);
      // the app's own lists and toasts first, then a view waiting on the job (as before)
      this.#ends.finished(f);
    });
    api.on('runs:changed', () => void this.refreshRuns());
    api.on('datasets:changed', () => void this.refreshDatasets());
    api.on('run:warning', (w) => toasts.show('info', `Run ${w.runId}: ${w.message}`, undefined, 12000));
    try {
      await Promise.all([this.refreshDatasets(), this.refreshRuns()]);
      const jobs = await api['jobs:list']();
      if (jobs.ok) this.#jobs = jobs.value;
    } catch (err) {
      handleError(err, 'Loading the lists');
    }
    if (this.#datasets.length) {
      this.#selectedDatasetId ??= this.#datasets[0]!.id;
    }
    this.#loaded = true;
  }

  /**
   * The service asks python for torch once, which takes seconds (importing torch), and its first
   * answer does not wait for that: ask again until it knows, so the badge and the Train form's
   * engine choice appear when PyTorch is found.
   */
  async #untilTorchFound(): Promise<void> {
    for (let i = 0; i < 60 && this.#info?.torch?.state === 'looking'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const again = await api['app:info']();
      if (again.ok) this.#info = again.value;
    }
  }

  async resync(): Promise<void> {
    if (!this.#info) return;
    await Promise.all([this.refreshDatasets(), this.refreshRuns()]);
    const jobs = await api['jobs:list']();
    if (jobs.ok) this.#jobs = jobs.value;
  }

  failStartup(message: string): void {
    this.#startupError = message;
  }

  async refreshDatasets(): Promise<void> {
    if (this.#refreshing.datasets) return;
    this.#refreshing.datasets = true;
    try {
      this.#datasets = unwrap(await api['datasets:list']());
      if (this.#selectedDatasetId !== null && !this.#datasets.some((d) => d.id === this.#selectedDatasetId)) {
        this.#selectedDatasetId = this.#datasets[0]?.id ?? null;
      }
    } catch (err) {
      handleError(err, 'Listing datasets');
    } finally {
      this.#refreshing.datasets = false;
    }
  }

  async refreshRuns(): Promise<void> {
    if (this.#refreshing.runs) return;
    this.#refreshing.runs = true;
    try {
      this.#runs = unwrap(await api['runs:list']());
      if (this.#selectedRunId !== null && !this.#runs.some((r) => r.id === this.#selectedRunId)) this.#selectedRunId = null;
    } catch (err) {
      handleError(err, 'Listing runs');
    } finally {
      this.#refreshing.runs = false;
    }
  }

  async cancelJob(jobId: string): Promise<void> {
    try {
      unwrap(await api['jobs:cancel']({ jobId }));
    } catch (err) {
      handleError(err, 'Cancelling');
    }
  }

  #onProgress(raw: JobProgress): void {
    // a progress told after the job's end would list it as running until the next resync
    if (this.#ends.ended(raw.jobId)) return;
    let smoother = this.#smoothers.get(raw.jobId);
    if (!smoother) this.#smoothers.set(raw.jobId, (smoother = new RateSmoother()));
    const p = { ...raw, ...smoother.update(performance.now(), raw.rate, raw.etaSec) };
    const i = this.#jobs.findIndex((j) => j.jobId === p.jobId);
    this.#jobs = i < 0 ? [...this.#jobs, p] : this.#jobs.map((j, k) => (k === i ? p : j));
  }

  #onFinished(f: JobFinished): void {
    this.#jobs = this.#jobs.filter((j) => j.jobId !== f.jobId);
    this.#smoothers.delete(f.jobId);
    // a probe or an explore job: the call that started it has its result
    if (f.kind !== 'import' && f.kind !== 'train') return;
    if (f.kind === 'import') {
      void this.refreshDatasets().then(() => {
        if (f.status === 'done' && f.datasetId !== undefined) this.#selectedDatasetId = f.datasetId;
      });
    } else {
      void this.refreshRuns();
      if (f.status === 'done') void this.#sayTrained(f);
    }
    if (f.status === 'failed')
      toasts.show(
        'error',
        f.message || `${f.kind === 'import' ? 'The import' : 'Training'} failed`,
        f.kind === 'import' ? 'Check the folder and try again.' : 'The last good checkpoint is kept; you can resume from the Runs view.',
      );
    else if (f.status === 'done' && f.kind === 'import') toasts.show('success', f.message || 'Import finished');
  }

  /** A run that trained to its end with its code unused is a failed model: said as one, not as a success. */
  async #sayTrained(f: JobFinished): Promise<void> {
    let collapsed = false;
    if (f.runId !== undefined) {
      const r = await api['runs:get']({ runId: f.runId }).catch(() => null);
      collapsed = !!r?.ok && r.value.status === 'collapsed';
    }
    if (collapsed)
      toasts.show(
        'error',
        f.message,
        'Retry safer, in the Runs table or beside the run, trains it again on settings that keep the code in use.',
      );
    else toasts.show('success', f.message || 'Training finished');
  }
}

export const app = new AppState();
