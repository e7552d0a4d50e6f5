/** The service answers at most this many ids per retrieve_batch call (and Get Task takes as many per item). */
export const BATCH_SIZE = 50;
