// Writes a trained model's networks in formats other programs load with one call: a
// TensorFlow.js graph model per network under tfjs/<name>/, an ONNX file per network under
// onnx/, and a README.md that says how to call them and what goes in and comes out.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NamedWeight } from '../../model/layers.js';
import { readCheckpoint } from '../../train/checkpoint.js';
import { writeFileAtomic } from '../atomic.js';
import { stockGraphs, type StockTopology } from './networks.js';
import { toOnnxModel } from './onnx.js';
import { stockReadme } from './readme.js';
import { TFJS_WEIGHTS_FILE, toTfjsGraphModel } from './tfjs-graph.js';

export { stockGraphs, type StockTopology } from './networks.js';

/** Writes every network of the model into outDir; returns the files written (absolute paths). */
export async function writeStockModels(outDir: string, t: StockTopology, weights: NamedWeight[], generatedBy: string): Promise<string[]> {
  const graphs = stockGraphs(t, weights);
  const files: string[] = [];
  const write = async (path: string, data: Uint8Array | string) => {
    await writeFileAtomic(path, data);
    files.push(resolve(path));
  };
  await mkdir(join(outDir, 'onnx'), { recursive: true });
  for (const g of graphs) {
    const dir = join(outDir, 'tfjs', g.name);
    await mkdir(dir, { recursive: true });
    const { modelJson, weights: bin } = toTfjsGraphModel(g, generatedBy);
    await write(join(dir, TFJS_WEIGHTS_FILE), bin);
    await write(join(dir, 'model.json'), JSON.stringify(modelJson));
    await write(join(outDir, 'onnx', `${g.name}.onnx`), toOnnxModel(g, generatedBy));
  }
  await write(join(outDir, 'README.md'), stockReadme(t, graphs));
  return files;
}

/** The stock models of a checkpoint's weights, written into outDir. */
export async function exportStockModels(checkpointDir: string, outDir: string): Promise<string[]> {
  const { json, weights } = await readCheckpoint(checkpointDir, false);
  const { config, shape, numClasses } = json.modelTopology;
  return writeStockModels(outDir, { config, shape, numClasses }, weights, json.generatedBy);
}
