// A model's trainable parameters: created in a fixed order from a seeded generator (so a seed
// fixes the initial weights), named (the save order and the checkpoint's names), and their
// activations' names.
import * as tf from '@tensorflow/tfjs-core';
import { dropTransposedWeight } from './transposed-weights.js';
import { Rng } from './rng.js';

export type Activation = 'linear' | 'relu' | 'tanh';

/** Named trainable parameters of one model, in creation order (the save order). */
export class ParamStore {
  readonly names: string[] = [];
  readonly vars: tf.Variable[] = [];
  private readonly byName = new Map<string, tf.Variable>();
  private static instances = 0;
  /** tf variable names are global to the engine: prefix each model's with a unique id */
  private readonly prefix = `m${++ParamStore.instances}/`;

  constructor(private readonly rng: Rng) {}

  add(name: string, shape: number[], init: 'glorot' | 'zeros' | 'he'): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (init !== 'zeros') {
      // fan-in/fan-out of a dense [in, out] or a conv [kh, kw, in, out] kernel
      const receptive = shape.length === 4 ? shape[0]! * shape[1]! : 1;
      const fanIn = shape[shape.length - 2]! * receptive;
      const fanOut = shape[shape.length - 1]! * receptive;
      const limit = init === 'glorot' ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
      for (let i = 0; i < size; i++) data[i] = (this.rng.uniform() * 2 - 1) * limit;
    }
    const t = tf.tensor(data, shape, 'float32');
    const v = tf.variable(t, true, this.prefix + name);
    t.dispose(); // the variable holds its own reference to the data
    this.names.push(name);
    this.vars.push(v);
    this.byName.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  getWeights(): NamedWeight[] {
    return this.names.map((name, i) => {
      const v = this.vars[i]!;
      return { name, shape: v.shape.slice(), data: v.dataSync() as Float32Array };
    });
  }

  setWeights(weights: NamedWeight[]): void {
    const given = new Map(weights.map((w) => [w.name, w]));
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i]!;
      const v = this.vars[i]!;
      const w = given.get(name);
      if (!w) throw new Error(`weights are missing parameter ${name}`);
      if (w.shape.length !== v.shape.length || w.shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`weight ${name} has shape [${w.shape}] but the model needs [${v.shape}]`);
      }
      tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
    }
    if (given.size !== this.names.length) {
      const extra = [...given.keys()].filter((n) => !this.byName.has(n));
      throw new Error(`weights hold parameters this model does not have: ${extra.join(', ')}`);
    }
  }

  dispose(): void {
    for (const v of this.vars) {
      dropTransposedWeight(v);
      v.dispose();
    }
  }
}

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}
