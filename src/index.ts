import * as core from '@actions/core';
import { x } from './a.ts';
core.info(`x=${x}`);
