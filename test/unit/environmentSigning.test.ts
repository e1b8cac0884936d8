import { describe, expect, it } from 'vitest';
import { signingFromEnvironment } from '../../lib/aws/environmentSigning';
import { ConfigError } from '../../lib/config';

const lambda = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token',
};

describe('signing from the environment', () => {
  it('reads the region and the execution role’s temporary credentials Lambda sets', () => {
    expect(signingFromEnvironment(lambda)).toEqual({
      region: 'eu-west-1',
      credentials: {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        sessionToken: 'session-token',
      },
    });
  });

  it('signs without a session token when the keys are long-lived (the local stack)', () => {
    const { AWS_SESSION_TOKEN: _, ...local } = lambda;

    expect(signingFromEnvironment(local).credentials).not.toHaveProperty('sessionToken');
  });

  it('fails with a ConfigError that names every missing variable', () => {
    const call = () => signingFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: '' });

    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/AWS_REGION, AWS_SECRET_ACCESS_KEY: missing/);
  });
});
