package io.busmesh.strategy;

/**
 * A 64-bit string hash that every node computes alike: FNV-1a 64 over the string's UTF-16 chars
 * (one char per step), then MurmurHash3's {@code fmix64} finalizer, which spreads FNV's weak high
 * bits so that nearby keys ("user-1", "user-2") land far apart on a hash ring.
 */
final class Hash64 {

  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hash64() {
  }

  static long of(CharSequence text) {
    long hash = FNV_OFFSET_BASIS;
    for (int i = 0, length = text.length(); i < length; i++) {
      hash ^= text.charAt(i);
      hash *= FNV_PRIME;
    }
    return fmix64(hash);
  }

  /** MurmurHash3's finalizer: every input bit affects every output bit with probability about 1/2. */
  static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
