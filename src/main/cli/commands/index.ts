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
import {
  deleteDatasetCommand,
  deleteRunCommand,
  infoCommand,
  outliersCommand,
  relabelCommand,
  renameDatasetCommand,
  renameRunCommand,
} from './manage';
import { serveCommand } from './serve';
import { resumeCommand, runsCommand, trainCommand } from './training';

export const commands: readonly Command[] = [
  importCommand,
  datasetsCommand,
  skippedCommand,
  renameDatasetCommand,
  relabelCommand,
  deleteDatasetCommand,
  trainCommand,
  runsCommand,
  resumeCommand,
  renameRunCommand,
  deleteRunCommand,
  dimsCommand,
  scatterCommand,
  evaluateCommand,
  outliersCommand,
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
  infoCommand,
];

export const commandByName = new Map(commands.map((c) => [c.name, c]));
