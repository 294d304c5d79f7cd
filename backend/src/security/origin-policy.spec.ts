import { originAllowed } from './origin-policy.js';

describe('originAllowed', () => {
  it('lets a page served by the same host in, by default', () => {
    expect(originAllowed('http://music.example:8080', 'music.example:8080', [])).toBe(true);
  });

  it('refuses another site by default', () => {
    expect(originAllowed('https://evil.example', 'music.example:8080', [])).toBe(false);
  });

  it('lets a listed origin in, and every origin with *', () => {
    expect(originAllowed('https://app.example', 'music.example', ['https://app.example'])).toBe(true);
    expect(originAllowed('https://any.example', 'music.example', ['*'])).toBe(true);
  });

  it('lets a request without an Origin header in (not a browser page)', () => {
    expect(originAllowed(undefined, 'music.example', [])).toBe(true);
  });

  it('refuses a malformed origin', () => {
    expect(originAllowed('null', 'music.example', [])).toBe(false);
  });
});
