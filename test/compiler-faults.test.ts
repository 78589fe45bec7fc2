// At least 40 faults across the four code ranges, each asserted on its exact
// file, line, column, code and message, as `nnc check` prints them.
import { describe, expect, it } from 'vitest';
import { FAULTS, FOLDER_OF_PROJECTS } from './faults.cases.js';
import { check } from './helpers/project.js';

describe('faults', () => {
  it('the base project is clean', () => {
    expect(check({})).toEqual([]);
  });
  it('covers at least 40 distinct faults across the four code ranges', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FAULTS.map((f) => f.expected)).size).toBe(FAULTS.length);
    const codes = new Set(FAULTS.map((f) => f.expected.match(/NNC(\d)/)?.[1]));
    expect([...codes].sort()).toEqual(['1', '2', '3', '4']);
  });
  it(FOLDER_OF_PROJECTS.name, () => {
    expect(check(FOLDER_OF_PROJECTS.files, {})).toEqual([FOLDER_OF_PROJECTS.expected]);
  });
  for (const fault of FAULTS) {
    it(fault.name, () => {
      expect(check(fault.files)).toContain(fault.expected);
    });
  }
});
