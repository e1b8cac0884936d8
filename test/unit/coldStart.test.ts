/**
 * A function's dependencies are built once per execution environment, but a build that failed is
 * not remembered: the next invocation builds again (a secret store that was down for a moment must
 * not fail every later invocation until Lambda recycles the environment).
 */
import { describe, expect, it } from 'vitest';
import { coldStart } from '../../lib/wiring/coldStart';

/** A dependency factory whose first `failures` builds fail, counting every build. */
function flakyFactory(failures: number) {
  let builds = 0;
  const build = async () => {
    builds += 1;
    if (builds <= failures) throw new Error(`build ${builds} failed: SSM unavailable`);
    return { build: builds };
  };
  return { build, builds: () => builds };
}

describe('dependencies built at cold start', () => {
  it('are built again on the next call when the first build failed', async () => {
    // Prepare
    const factory = flakyFactory(1);
    const deps = coldStart(factory.build);

    // Act
    const first = deps();
    await expect(first).rejects.toThrow('build 1 failed: SSM unavailable');
    const second = await deps();

    // Assess
    expect(second).toEqual({ build: 2 });
    expect(factory.builds()).toBe(2);
  });

  it('are built once and shared by every later call when the build succeeds', async () => {
    // Prepare
    const factory = flakyFactory(0);
    const deps = coldStart(factory.build);

    // Act
    const [first, second] = await Promise.all([deps(), deps()]);
    const third = await deps();

    // Assess
    expect(first).toBe(second);
    expect(third).toBe(first);
    expect(factory.builds()).toBe(1);
  });

  it('are built again after a factory that throws synchronously', async () => {
    // Prepare
    let builds = 0;
    const deps = coldStart(() => {
      builds += 1;
      if (builds === 1) throw new Error('invalid configuration: PROMOTION_QUEUE_URL is missing');
      return { ready: true };
    });

    // Act
    await expect(deps()).rejects.toThrow('invalid configuration: PROMOTION_QUEUE_URL is missing');
    const second = await deps();

    // Assess
    expect(second).toEqual({ ready: true });
  });
});
