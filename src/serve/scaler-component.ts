// The scaler under `canopy serve`: the live loop fed by the process's shared signals, not a scrape of its own.
import { startScalerComponent } from '../scaler/live/component.ts';
import type { ServeComponent } from './types.ts';

export const scalerComponent: ServeComponent = {
  name: 'scaler',
  leaderOnly: true,
  start: async (ctx) => {
    const signals = await ctx.signals();
    return startScalerComponent(ctx, { signals: signals.hub.scalerSource(), syncPeriodMs: ctx.options.syncPeriodMs });
  },
};
