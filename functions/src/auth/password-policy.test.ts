import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';

describe('password policy', () => {
  it('accepts 12+ characters from 3 of the 4 classes that do not contain the username', () => {
    expect(passwordProblems('Manyi-demo-2026', 'admin')).toEqual([]);
    expect(passwordProblems('correct horse 42', 'zhang.wei')).toEqual([]);
    expect(passwordProblems('满意满意Abc12345', 'li')).toEqual([]);
  });

  it('refuses passwords shorter than 12 characters', () => {
    expect(passwordProblems('Ab1-Ab1-Ab1', 'x')).toEqual(['too-short']);
  });

  it('refuses passwords with fewer than 3 classes', () => {
    expect(passwordProblems('abcdefghijkl1', 'x')).toEqual(['too-few-classes']);
    expect(passwordProblems('ABCDEFGHIJKLMNOP', 'x')).toEqual(['too-few-classes']);
  });

  it('refuses passwords containing the username, whatever the case', () => {
    expect(passwordProblems('Zhang.Wei-2026!', 'zhang.wei')).toEqual(['contains-username']);
  });
});
