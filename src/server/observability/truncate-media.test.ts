import { describe, expect, it } from 'vitest';
import { truncateMedia } from './truncate-media.js';

const record = (body: object) => JSON.parse(truncateMedia(JSON.stringify(body), body)) as { messages: { content: Record<string, Record<string, string>>[] }[] };

describe('recording a request with media', () => {
  it('cuts base64 image data URLs and audio data to 100 characters, saying how many went', () => {
    const image = `data:image/png;base64,${'A'.repeat(350)}`;
    const audio = 'B'.repeat(250);
    const body = { model: 'ai/tiny', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }, { type: 'input_audio', input_audio: { data: audio, format: 'wav' } }, { type: 'text', text: 'C'.repeat(300) }] }] };
    const [imagePart, audioPart, textPart] = record(body).messages[0]!.content;
    expect(imagePart!.image_url!.url).toBe(`data:image/png;base64,${'A'.repeat(100)}...[truncated 250 chars]`);
    expect(audioPart!.input_audio).toEqual({ data: `${'B'.repeat(100)}...[truncated 150 chars]`, format: 'wav' });
    expect(textPart!.text).toBe('C'.repeat(300));
  });

  it('keeps a body with nothing to cut exactly as the client sent it', () => {
    const raw = '{ "model": "ai/tiny",  "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}] }';
    expect(truncateMedia(raw, JSON.parse(raw))).toBe(raw);
    expect(truncateMedia('not json', undefined)).toBe('not json');
  });
});
