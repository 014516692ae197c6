/** The web configuration file read as strictly as Prometheus 2.42 reads it, with the file, line, path and fix. */
import { describe, expect, it } from 'vitest';
import { ConfigFileError, formatProblem, parseWebConfig } from './index.ts';

const HASH = '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG';

/** The problems parseWebConfig reports for `text`, formatted as the CLI prints them. */
function problems(text: string): string[] {
  try {
    parseWebConfig(text, '/etc/klaxon/web.yml');
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected parseWebConfig to throw');
}

describe('parseWebConfig', () => {
  it('reads the documented keys, applies the defaults and resolves files against its folder', () => {
    const web = parseWebConfig(
      [
        'tls_server_config:',
        '  cert_file: tls/server.crt',
        '  key_file: /abs/server.key',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: ca.crt',
        '  curve_preferences: [X25519, CurveP256]',
        'http_server_config:',
        '  http2: false',
        '  headers: { X-Frame-Options: deny }',
        'basic_auth_users:',
        `  prometheus: '${HASH}'`,
      ].join('\n'),
      '/etc/klaxon/web.yml',
    );
    expect(web.tls_server_config).toMatchObject({
      cert_file: '/etc/klaxon/tls/server.crt',
      key_file: '/abs/server.key',
      client_ca_file: '/etc/klaxon/ca.crt',
      min_version: 'TLS12',
      max_version: 'TLS13',
      prefer_server_cipher_suites: true,
    });
    expect(web.basic_auth_users).toEqual({ prometheus: HASH });
    expect(parseWebConfig('', '/w.yml')).toEqual({});
  });

  it('refuses keys Prometheus 2.42 refuses, at their line, with the fix', () => {
    expect(
      problems('tls_server_config:\n  cert_file: a\n  key_file: b\n  client_allowed_sans: [x]\n'),
    ).toEqual([
      '/etc/klaxon/web.yml:2:3: tls_server_config: unknown key "client_allowed_sans"; remove it: a web config file takes the keys of Prometheus 2.42 (exporter-toolkit 0.8): tls_server_config, http_server_config, basic_auth_users (see docs/exporters.md)',
    ]);
    expect(problems('rate_limit: { burst: 2 }\n')[0]).toMatch(
      /\(root\): unknown key "rate_limit"; remove it/,
    );
    expect(problems('http_server_config:\n  headers: { X-Powered-By: me }\n')[0]).toMatch(
      /http_server_config.headers: unknown key "X-Powered-By"/,
    );
  });

  it('says what is wrong with a value and how to fix it', () => {
    expect(problems('basic_auth_users:\n  alice: hunter2\n')).toEqual([
      expect.stringMatching(
        /^\/etc\/klaxon\/web.yml:2:10: basic_auth_users.alice: not a bcrypt hash; make one with `htpasswd/,
      ),
    ]);
    expect(problems('tls_server_config:\n  cert_file: a\n')).toEqual([
      expect.stringMatching(/tls_server_config.key_file: missing required value \(string\); add it$/),
    ]);
    expect(problems('tls_server_config: { cert_file: a, key_file: b, client_ca_file: c }\n')[0]).toMatch(
      /client_auth_type: client_ca_file is set but client_auth_type is NoClientCert.*RequireAndVerifyClientCert$/,
    );
    expect(
      problems(
        'tls_server_config: { cert_file: a, key_file: b, client_auth_type: RequireAndVerifyClientCert }\n',
      )[0],
    ).toMatch(/tls_server_config.client_ca_file: verifying client certificates needs client_ca_file/);
    expect(
      problems(
        'tls_server_config: { cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12 }\n',
      )[0],
    ).toMatch(/min_version is above max_version/);
    expect(problems('tls_server_config: { cert_file: a, key_file: b, cipher_suites: [RC4] }\n')[0]).toMatch(
      /tls_server_config.cipher_suites\[0\]: .*TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/,
    );
  });
});
