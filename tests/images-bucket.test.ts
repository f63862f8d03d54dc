import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './publisher-harness';

const photo = readFileSync(new URL('./fixtures/images/photo.jpg', import.meta.url));

function documentWith(src: string): string {
  return `title: Pictures from the bucket\ndate: 2022-02-28\nimages:\n  - src: ${src}\n    alt: Hills under a blue sky\n`;
}

describe('store: pictures read from the bucket', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ autoPublish: false });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('embeds a picture from content/, resolved against the document, as the uploaded bytes', async () => {
    // Prepare
    await harness.put('content/photos/hills.jpg', photo);
    await harness.put('content/world/hills.yaml', documentWith('../photos/hills.jpg'));

    // Act
    const result = await harness.handle(await harness.createdEvent('content/world/hills.yaml', '0001'));

    // Assert
    expect(result.records).toMatchObject([{ status: 'published', factsheetKey: 'factsheets/world/hills.pdf' }]);
    expect((await harness.bytes('factsheets/world/hills.pdf')).indexOf(photo)).toBeGreaterThan(0);
  });

  it('reports a missing picture and one outside content/ by name, and publishes nothing', async () => {
    // Prepare: a real object outside content/ must not be reachable either.
    await harness.put('factsheets/secret.jpg', photo);
    await harness.put('content/missing.yaml', `${documentWith('photos/none.jpg')}  - src: ../factsheets/secret.jpg\n    alt: x\n`);

    // Act
    const result = await harness.handle(await harness.createdEvent('content/missing.yaml', '0002'));

    // Assert
    expect(result.records).toMatchObject([{ status: 'rejected', errorReportKey: 'errors/missing.json' }]);
    const report = JSON.parse((await harness.bytes('errors/missing.json')).toString('utf8')) as { error: string; problems: { path: string; message: string }[] };
    expect(report.error).toBe('ImageError');
    expect(report.problems).toMatchObject([
      { path: 'images[0].src', message: '"photos/none.jpg" does not exist (looked for content/photos/none.jpg)' },
      { path: 'images[1].src', message: '"../factsheets/secret.jpg" leaves the content folder' },
    ]);
    expect(await harness.head('factsheets/missing.pdf')).toBeNull();
  });

  it('refuses a picture over 10 MiB from its size, and publishes nothing', async () => {
    // Prepare
    await harness.put('content/pictures/big.jpg', Buffer.alloc(10 * 1024 * 1024 + 1, 0xff));
    await harness.put('content/big.yaml', documentWith('pictures/big.jpg'));

    // Act
    const result = await harness.handle(await harness.createdEvent('content/big.yaml', '0003'));

    // Assert
    expect(result.records).toMatchObject([{ status: 'rejected' }]);
    const report = JSON.parse((await harness.bytes('errors/big.json')).toString('utf8')) as { problems: { message: string }[] };
    expect(report.problems[0]?.message).toBe('"pictures/big.jpg" (content/pictures/big.jpg) is 10.0 MiB, more than the 10.0 MiB a picture may have');
  });
});
