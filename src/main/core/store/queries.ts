// Queries: plain functions that take the database first, one file per table family. The
// renderer never sees SQL.
export * from './dataset-queries';
export * from './run-queries';
export * from './metric-queries';
