export { createEngineSimulation, IDLE, sample, type Distribution, type EngineLoad, type EngineSimulation, type EngineSimulationOptions, type LoadProfile } from './load.ts';
export { startEngineServer, type EngineServer, type EngineServerOptions } from './server.ts';
export { fleetScrapeConfig, grovePods, startEngineFleet, type EngineFleet, type FleetOptions, type FleetPod, type FleetScrapeConfig } from './fleet.ts';
