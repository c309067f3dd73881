// Recipes: a whole training config a person can start from in one click, each choice with what
// it is for. The faces recipe is the model the notes end on (the VAE paper's face manifold):
// a sweep of two dimensions, the other eight pinned, changes the expression and the face
// (measured in bench/results.md; a turn of the head is not clearly there with this MLP).
// Its numbers are the defaults a small set of grey photographs gets (train-defaults.ts), written
// out so that they hold whatever size the faces were imported at; the decoder's spread is left
// out, so it follows the size (sigmaFor).
import type { TrainConfigInput } from './schemas';

export interface Recipe {
  id: 'faces' | 'mnist';
  label: string;
  /** what the recipe is for, one line */
  text: string;
  config: TrainConfigInput;
  /** each choice and what it is for */
  why: { choice: string; text: string }[];
}

export const RECIPES: readonly Recipe[] = [
  {
    id: 'faces',
    label: 'Faces',
    text: 'A few hundred grey photographs of faces (the AT&T / ORL set): a code whose dimensions change the expression (a smile, glasses) and the face.',
    config: {
      model: 'vae',
      family: 'mlp',
      hidden: [400],
      latent: 10,
      likelihood: 'gaussian',
      beta: 1,
      warmup: 20,
      epochs: 200,
      batch: 32,
      lr: 1e-3,
      seed: 1,
    },
    why: [
      { choice: 'VAE, beta 1', text: 'a smooth code: the space between two faces is a face' },
      {
        choice: 'MLP, 400 units',
        text: 'all 10 dimensions in use and better than PCA in a third of the time of a conv VAE, which on these settings does 0.4 dB better with a blotchier sweep (a Bernoulli conv at batch 128 collapsed)',
      },
      { choice: 'latent 10', text: 'a 2-D sweep pins the other eight; all ten stay in use' },
      {
        choice: 'Gaussian, sigma from the side',
        text: 'squared error on grey levels, sigma = sqrt(side) / 16 (0.5 at 64 px, 0.354 at 32): beats PCA with 10 components on the held-out faces, and every cell of a sweep is a face (a fixed 0.2 dissolved into texture between them)',
      },
      { choice: 'KL warm-up 20 epochs', text: 'the code is used before the KL term pulls it to the prior' },
      {
        choice: 'no flip',
        text: 'mirrored faces cost 24 nats of held-out bound and 0.6 dB here (the test faces are the same people, same poses); the checkbox turns it on',
      },
      { choice: 'batch 32, 200 epochs', text: 'about 2,400 optimizer steps; the checkpoint with the best held-out bound is kept' },
    ],
  },
  {
    id: 'mnist',
    label: 'MNIST reference',
    text: 'The papers’ MLP VAE on the digits, whose held-out figures the app reproduces.',
    config: {
      model: 'vae',
      family: 'mlp',
      hidden: [400],
      latent: 20,
      likelihood: 'bernoulli',
      beta: 1,
      epochs: 10,
      batch: 128,
      lr: 1e-3,
      seed: 1,
    },
    why: [
      { choice: 'MLP 784-400-20', text: 'the reference model (held-out 127.3 nats after 1 epoch, 105.7 after 10)' },
      { choice: 'Bernoulli', text: 'each pixel is ink or paper' },
      { choice: 'no warm-up, no flip', text: 'the KL stays alive on 60,000 digits; a mirrored digit is another symbol' },
    ],
  },
];

export function recipe(id: string): Recipe | undefined {
  return RECIPES.find((r) => r.id === id);
}
