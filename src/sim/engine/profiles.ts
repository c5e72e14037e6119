import defaultProfile from './profiles/8b-h100.json' with { type: 'json' };
import llama70b from './profiles/llama2-70b-tp8-h100.json' with { type: 'json' };
import llama7b from './profiles/llama2-7b-h100-vidur.json' with { type: 'json' };
import { parseEngineProfile, type EngineProfile } from './profile.ts';

/** The profiles shipped with Canopy, validated once at load. `8b-h100` is the default. */
export const BUILTIN_PROFILES: ReadonlyMap<string, EngineProfile> = new Map(
  [defaultProfile, llama70b, llama7b].map((json) => {
    const profile = parseEngineProfile(json);
    return [profile.name, profile] as const;
  }),
);

export const DEFAULT_PROFILE_NAME = '8b-h100';

export function builtinProfile(name: string = DEFAULT_PROFILE_NAME): EngineProfile {
  const profile = BUILTIN_PROFILES.get(name);
  if (profile === undefined) throw new Error(`unknown engine profile ${JSON.stringify(name)}; known: ${[...BUILTIN_PROFILES.keys()].join(', ')}`);
  return profile;
}
