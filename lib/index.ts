/** The Spiking-RED simulation engine: no Node-RED import, usable on its own. */
export * from './validate';
export * from './rng';
export * from './expression';
export * from './neuron';
export * from './sources';
export * from './monitors';
export * from './network';
export * from './simulation';
export * from './presets';
export * from './compiler';
export * from './examples';
export * from './charts';
export * from './dashboard-flows';
