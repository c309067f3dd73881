// Layer primitives with hand-written gradients, in three files: the parameter store
// (params.ts), the dense layer (dense.ts) and the conv layer with the sub-pixel upsampling
// (conv.ts). Why hand-written: see ENGINES.md, "wasm".
export { ParamStore, type Activation, type NamedWeight } from './params.js';
export { dense } from './dense.js';
export { conv2d, conv2dFilterGrad, conv2dInputGrad, depthToSpace, samePad } from './conv.js';
