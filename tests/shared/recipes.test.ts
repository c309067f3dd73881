// The recipes a person starts from in one click: each is a config the door accepts, says what
// every choice is for, and the faces recipe is the model the defaults give a small grey photo set.
import { describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../../src/shared/contract';
import { recipe, RECIPES } from '../../src/shared/recipes';
import { defaultsFor } from '../../src/shared/train-defaults';
import { defaultsFor as formDefaults, toTrainConfig, withRecipe } from '../../src/renderer/src/lib/models';

describe('recipes', () => {
  it('are configs the door accepts, each choice with its reason', () => {
    for (const r of RECIPES) {
      expect(trainConfigSchema.safeParse(r.config).success, r.id).toBe(true);
      expect(r.why.length).toBeGreaterThan(2);
      for (const w of r.why) expect(w.text.length).toBeGreaterThan(10);
    }
  });

  it('faces: the defaults of a small set of grey photographs, whatever side it was imported at', () => {
    const faces = recipe('faces')!.config;
    for (const side of [32, 64]) {
      const d = defaultsFor({ pixels: 'grey', side, images: 360 });
      expect(faces).toMatchObject({
        family: d.family,
        hidden: d.hidden,
        latent: d.latent,
        likelihood: d.likelihood,
        batch: d.batch,
        epochs: d.epochs,
        warmup: d.warmup,
      });
      expect(faces.flip ?? false).toBe(d.flip);
      // the spread is left to the side: the form fills in the defaults' own
      expect(faces.sigma).toBeUndefined();
      expect(withRecipe(formDefaults(undefined), recipe('faces')!, side).sigma).toBe(d.sigma);
    }
  });

  it('fills the Train form, which sends the recipe back unchanged', () => {
    for (const r of RECIPES) {
      const sent = trainConfigSchema.parse(toTrainConfig(withRecipe(formDefaults(undefined), r, 28)));
      expect(sent).toMatchObject(trainConfigSchema.parse(r.config));
    }
  });
});
