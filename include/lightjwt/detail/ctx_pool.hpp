// ctx_pool: a small lock-free pool of OpenSSL contexts that one signer context owns, so that a
// hot path reuses a prepared context instead of allocating and initialising a new one.
// SPDX-License-Identifier: MIT
#ifndef LIGHTJWT_DETAIL_CTX_POOL_HPP
#define LIGHTJWT_DETAIL_CTX_POOL_HPP

#include <array>
#include <atomic>
#include <cstddef>

namespace lightjwt::detail {

/// Returns a small number that differs between the threads that use it: the slot of a ctx_pool
/// that a thread tries first, so that threads do not contend for one slot.
inline std::size_t thread_slot_hint() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

/// Contexts of type T ready for reuse. take() moves a context out of a slot with an atomic
/// exchange, so exactly one thread owns it until give() puts it back; when every slot is empty
/// (more threads than slots) take() returns null and the caller builds a new context; a context
/// given back when every slot is full is freed with Free. The pool frees what it holds when it
/// dies (with its owner), so no prepared state outlives the key it was prepared for, and no
/// thread-local cache keyed by address can hand a new key's caller an old key's context.
template <class T, void (*Free)(T*)>
class ctx_pool {
 public:
  static constexpr std::size_t slots = 8;

  ctx_pool() = default;
  ctx_pool(const ctx_pool&) = delete;
  ctx_pool& operator=(const ctx_pool&) = delete;
  ctx_pool(ctx_pool&&) = delete;
  ctx_pool& operator=(ctx_pool&&) = delete;
  ~ctx_pool() {
    for (auto& s : slots_) {
      if (T* c = s.ctx.exchange(nullptr, std::memory_order_acquire)) Free(c);
    }
  }

  /// Takes a context out of the pool, or returns null when it is empty.
  T* take() noexcept {
    const std::size_t first = thread_slot_hint();
    for (std::size_t i = 0; i < slots; ++i) {
      auto& s = slots_[(first + i) % slots];
      // A relaxed look first: an empty slot costs no locked instruction.
      if (s.ctx.load(std::memory_order_relaxed) == nullptr) continue;
      if (T* c = s.ctx.exchange(nullptr, std::memory_order_acquire)) return c;
    }
    return nullptr;
  }

  /// Returns a context to the pool, or frees it when every slot is taken.
  void give(T* c) noexcept {
    const std::size_t first = thread_slot_hint();
    for (std::size_t i = 0; i < slots; ++i) {
      auto& s = slots_[(first + i) % slots];
      T* expected = nullptr;
      if (s.ctx.load(std::memory_order_relaxed) == nullptr &&
          s.ctx.compare_exchange_strong(expected, c, std::memory_order_release,
                                        std::memory_order_relaxed)) {
        return;
      }
    }
    Free(c);
  }

 private:
  // One cache line per slot: threads that use different slots do not share a line.
  struct alignas(64) slot {
    std::atomic<T*> ctx{nullptr};
  };
  std::array<slot, slots> slots_{};
};

}  // namespace lightjwt::detail

#endif  // LIGHTJWT_DETAIL_CTX_POOL_HPP
