/** Small helpers for tests that talk to a running local stack over HTTP. */
export async function loginToken(baseUrl: string, username = 'admin', password = 'Manyi-demo-2026'): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export async function demoWindows(baseUrl: string, token: string): Promise<{ code: string; name: string; unitName: string }[]> {
  const response = await fetch(`${baseUrl}/api/windows`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { windows: { code: string; name: string; unitName: string }[] }).windows;
}

export async function windowCounts(baseUrl: string, token: string, code: string, from: string, to: string) {
  const response = await fetch(`${baseUrl}/api/results/satisfaction?window=${code}&from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as { n: number; counts: Record<'1' | '2' | '3' | '4' | '5', number> };
}
