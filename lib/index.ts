/**
 * The Spiking-RED library, no Node-RED import, usable on its own. Layers, imports pointing down:
 *  - engine/   the simulation: populations, sources, monitors, network, clock, budgets, and the
 *              schema of every node kind's config (schema.ts: fields, defaults, bounds, versions,
 *              migrations, typed fields), which the normalize functions, the nodes and the editor read;
 *  - analysis/ spike train features and the patterns' signatures (read engine results);
 *  - render/   chart messages and SVG figures (read engine results);
 *  - flow/     presets, the flow compiler and the example and dashboard flow builders.
 */
export * from './engine/validate';
export * from './engine/rng';
export * from './engine/expression';
export * from './engine/neuron';
export * from './engine/sources';
export * from './engine/monitors';
export * from './engine/column';
export * from './engine/slices';
export * from './engine/synapses';
export * from './engine/projection';
export * from './engine/plasticity';
export * from './engine/generators';
export * from './engine/network';
export * from './engine/simulation';
export * from './engine/budget';
export * from './analysis/features';
export * from './analysis/signatures';
export * from './render/charts';
export * from './render/svg';
export * from './flow/presets';
export * from './flow/record';
export * from './flow/compiler';
export * from './flow/examples';
export * from './flow/dashboard-flows';
export * from './flow/network-examples';
export * from './flow/monitor-output';
export * from './engine/schema';
