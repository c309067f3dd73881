// The table of commands, in the order the usage lists them. The usage text, the known-command
// list and each command's flag rules all come from here.
import type { Command } from '../command';
import { animateCommand } from './animate';
import { exportRunCommand, importRunCommand } from './bundles';
import { datasetsCommand, importCommand, skippedCommand } from './datasets';
import { exportMetricsCommand, exportModelCommand } from './export';
import {
  classesCommand,
  exportGridCommand,
  interpolateCommand,
  nearestCommand,
  reconstructCommand,
  samplesCommand,
  sweepCommand,
  traverseCommand,
  attributeCommand,
  analogyCommand,
} from './grids';
import { dimsCommand, evaluateCommand, scatterCommand } from './inspect';
import { serveCommand } from './serve';
import { resumeCommand, runsCommand, trainCommand } from './training';

export const commands: readonly Command[] = [
  importCommand,
  datasetsCommand,
  skippedCommand,
  trainCommand,
  runsCommand,
  resumeCommand,
  dimsCommand,
  scatterCommand,
  evaluateCommand,
  sweepCommand,
  traverseCommand,
  attributeCommand,
  analogyCommand,
  samplesCommand,
  reconstructCommand,
  interpolateCommand,
  nearestCommand,
  classesCommand,
  exportGridCommand,
  animateCommand,
  exportMetricsCommand,
  exportModelCommand,
  exportRunCommand,
  importRunCommand,
  serveCommand,
];

export const commandByName = new Map(commands.map((c) => [c.name, c]));
