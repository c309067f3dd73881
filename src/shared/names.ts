// The contract's method and event names without zod, so the sandboxed preload bundle stays
// a few kilobytes and pulls in nothing but `electron`. Type-only imports are erased at build
// time; the checks below fail to compile if this list and contract.ts ever drift apart.
import type { EventName, Method } from './contract';

export const methodNameList = [
  'app:info',
  'datasets:list',
  'datasets:probe',
  'datasets:import',
  'datasets:browse',
  'datasets:skipped',
  'datasets:rename',
  'datasets:relabel',
  'datasets:delete',
  'runs:list',
  'runs:get',
  'runs:metrics',
  'runs:start',
  'runs:resume',
  'runs:rename',
  'runs:delete',
  'runs:quality',
  'runs:export',
  'runs:import',
  'jobs:list',
  'jobs:cancel',
  'explore:dims',
  'explore:grid',
  'explore:encode',
  'explore:scatter',
  'explore:evaluate',
  'explore:outliers',
  'export:grid',
  'export:metrics',
  'export:model',
  'export:animation',
  'dialog:openFolder',
  'dialog:openFile',
  'dialog:saveFile',
] as const satisfies readonly Method[];

export const eventNameList = [
  'job:progress',
  'job:finished',
  'run:metric',
  'runs:changed',
  'datasets:changed',
  'run:warning',
  'menu:command',
] as const satisfies readonly EventName[];

// Both directions: every listed name is in the contract (satisfies above) and every contract
// name is listed (these aliases stop compiling when one is missing).
type Missing<All, Listed> = Exclude<All, Listed>;
const allMethodsListed: [Missing<Method, (typeof methodNameList)[number]>] extends [never] ? true : never = true;
const allEventsListed: [Missing<EventName, (typeof eventNameList)[number]>] extends [never] ? true : never = true;
void allMethodsListed;
void allEventsListed;
