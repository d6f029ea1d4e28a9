/**
 * Password policy for passwords set by administrators (create, reset): at least 12 characters,
 * at least 3 of the 4 classes (lower case, upper case, digit, other), and not containing the
 * username (case-insensitive). GB/T 22239-2019 8.1.4.1 a asks for complexity and regular change;
 * length matters most (NIST SP 800-63B), the classes are what Chinese audits check for.
 * Returns the reasons it fails, empty when it passes. Example: `Manyi-demo-2026` passes.
 */
export type PasswordProblem = 'too-short' | 'too-few-classes' | 'contains-username';

export const PASSWORD_POLICY = { minLength: 12, minClasses: 3 } as const;

export function passwordProblems(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < PASSWORD_POLICY.minLength) problems.push('too-short');
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (classes < PASSWORD_POLICY.minClasses) problems.push('too-few-classes');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('contains-username');
  return problems;
}

export function describePasswordProblems(problems: PasswordProblem[]): string {
  const text: Record<PasswordProblem, string> = {
    'too-short': `must be at least ${PASSWORD_POLICY.minLength} characters`,
    'too-few-classes': 'must mix at least 3 of: lower case, upper case, digits, other characters',
    'contains-username': 'must not contain the username',
  };
  return problems.map((p) => text[p]).join('; ');
}
