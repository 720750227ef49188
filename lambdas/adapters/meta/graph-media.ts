// The card pipeline's Meta media source (domain/cards/card-pipeline.ts MediaSource): media id -> Graph media URL -> bytes.
// The failures no retry fixes (too large, media gone or refused for good) become CardUnreadable, so the customer is
// told at once instead of after every retry.
import { CardUnreadable, type MediaSource } from '../../domain/cards/card-pipeline.js';
import { GraphError, MediaTooLargeError, type GraphClient } from './graph-client.js';
import { UnsafeUrl } from '../runtime/public-fetch.js';

export function graphMediaSource(graph: Pick<GraphClient, 'fetchMediaBytes'>): MediaSource {
  return {
    async fetch(mediaId, options) {
      try {
        const media = await graph.fetchMediaBytes(mediaId, options);
        return { bytes: media.bytes, mimeType: media.mimeType };
      } catch (error) {
        if (error instanceof MediaTooLargeError) throw new CardUnreadable(error.message);
        if (error instanceof UnsafeUrl) throw new CardUnreadable(`Graph's media URL was refused: ${error.message}`);
        if (error instanceof GraphError && error.error.retryClass === 'none') throw new CardUnreadable(error.message);
        throw error;
      }
    },
  };
}
