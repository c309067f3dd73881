// A run as one file: "LLRB", a version, a JSON header (the run's config and summary, the
// dataset's shape and label names, the metrics, the dims ranking, the checkpoint's model.json)
// and the weights. No pixels and no optimizer state: enough to explore and sample, not to train on.
import type { DimsResult, MetricRow, RunInfo, TrainConfigParsed } from '../../../shared/contract';
import type { CheckpointJson } from '../train/checkpoint';

export const BUNDLE_MAGIC = 'LLRB';
export const BUNDLE_FORMAT = 'latent-lab-run-bundle';
export const BUNDLE_VERSION = 1;
/** The dims ranking a bundle brought, kept in the imported run's folder (no images to measure it on). */
export const BUNDLE_DIMS = 'bundle-dims.json';
/** magic(4) + version(4) + header length(4), little-endian */
const FIXED = 12;

export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: number;
  generatedBy: string;
  run: Pick<
    RunInfo,
    'name' | 'status' | 'backend' | 'epochsDone' | 'bestHeldOut' | 'lastHeldOut' | 'seconds' | 'createdAt' | 'startedAt' | 'finishedAt'
  > & {
    config: TrainConfigParsed;
  };
  dataset: {
    name: string;
    kind: 'folder' | 'idx' | 'mnist';
    height: number;
    width: number;
    channels: 1 | 3;
    labelNames: string[];
    count: number;
  };
  metrics: MetricRow[];
  /** the ranking measured on the test images, per level ("1", and "2" for an HVAE) */
  dims: Record<string, Omit<DimsResult, 'testIndices'>>;
  checkpoint: CheckpointJson;
  weightsBytes: number;
}

export function packBundle(header: Omit<BundleHeader, 'format' | 'version' | 'weightsBytes'>, weights: Uint8Array): Buffer[] {
  const json = Buffer.from(
    JSON.stringify({ format: BUNDLE_FORMAT, version: BUNDLE_VERSION, ...header, weightsBytes: weights.byteLength }),
    'utf8',
  );
  const fixed = Buffer.alloc(FIXED);
  fixed.write(BUNDLE_MAGIC, 0, 'latin1');
  fixed.writeUInt32LE(BUNDLE_VERSION, 4);
  fixed.writeUInt32LE(json.length, 8);
  return [fixed, json, Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength)];
}

/** Reads a bundle; `name` is how the messages call it (its file name). */
export function unpackBundle(bytes: Uint8Array, name: string): { header: BundleHeader; weights: Uint8Array } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notOne = new Error(`${name} is not a Latent Lab run bundle`);
  if (b.length < FIXED || b.toString('latin1', 0, 4) !== BUNDLE_MAGIC) throw notOne;
  const len = b.readUInt32LE(8);
  if (FIXED + len > b.length) throw new Error(`${name} is truncated (its header says ${len} bytes of JSON)`);
  let header: BundleHeader;
  try {
    header = JSON.parse(b.toString('utf8', FIXED, FIXED + len)) as BundleHeader;
  } catch {
    throw notOne;
  }
  if (header.format !== BUNDLE_FORMAT) throw notOne;
  const version = Math.max(b.readUInt32LE(4), Number(header.version) || 0);
  if (version > BUNDLE_VERSION)
    throw new Error(
      `${name} was written by a newer Latent Lab (bundle version ${version}; this one reads ${BUNDLE_VERSION}); update the app`,
    );
  const weights = b.subarray(FIXED + len);
  if (weights.length !== header.weightsBytes)
    throw new Error(`${name} is truncated or damaged: ${weights.length} bytes of weights, its header says ${header.weightsBytes}`);
  return { header, weights };
}
