// Bounded selection of the k best (score, seq) pairs: higher score first, and on equal scores
// the smaller insertion sequence first, so results never depend on scan or block order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipscope {

struct Candidate {
  float score;
  uint64_t seq;   // insertion order: the deterministic tie-break
  uint32_t slot;  // where the vector lives in storage
};

inline bool Better(const Candidate& a, const Candidate& b) {
  return a.score > b.score || (a.score == b.score && a.seq < b.seq);
}

class TopK {
 public:
  // Memory follows what is pushed, not k: a k far above the candidates costs nothing.
  explicit TopK(size_t k) : k_(k) { heap_.reserve(std::min<size_t>(k, 1024)); }

  // Room for everything `pushes` candidates can leave, so that Push never allocates (a
  // requirement of work run in parallel shares: see parallel.h).
  void ReserveFor(size_t pushes) { heap_.reserve(std::min(k_, pushes)); }

  // The heap keeps the worst kept candidate at the front, so a full heap rejects most
  // candidates with one comparison.
  void Push(const Candidate& c) {
    if (heap_.size() < k_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (k_ > 0 && Better(c, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
  }

  // Whether a candidate of this score cannot enter, whatever its sequence: lets a scan skip
  // looking up the sequence of most candidates.
  bool Rejects(float score) const {
    return heap_.size() >= k_ && (k_ == 0 || score < heap_.front().score);
  }

  // Push of the row in `slot` of a storage whose sequences are `seqs`, reading its sequence
  // only when the score can enter: a scan's most candidates cannot.
  void Offer(float score, const uint64_t* seqs, uint32_t slot) {
    if (!Rejects(score)) Push({score, seqs[slot], slot});
  }

  // The kept candidates, in no particular order.
  const std::vector<Candidate>& Kept() const { return heap_; }

  // Best first; empties the selection.
  std::vector<Candidate> TakeSorted() {
    std::sort_heap(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<Candidate> heap_;
};

}  // namespace clipscope
