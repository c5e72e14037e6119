// One import point for the Grove object types (all inferred from the zod schemas in ./schema).
export type * from './schema/common.ts';
export type * from './schema/podspec.ts';
export type * from './schema/autoscaling.ts';
export type * from './schema/topology.ts';
export type * from './schema/resourcesharing.ts';
export type * from './schema/podclique.ts';
export type * from './schema/podcliqueset.ts';
export type * from './schema/podcliquescalinggroup.ts';
export type * from './schema/clustertopologybinding.ts';
export type * from './schema/podgang.ts';
