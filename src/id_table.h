// Caller ids held compactly for large indexes: per id 8 bytes and a kind byte (numbers as
// they are, strings as a place in one shared buffer) and a slot in an open-addressing table of
// item numbers, instead of a heap node per id (over 100 bytes each in a std::unordered_map).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "item_id.h"

namespace clipscope {

class IdTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  size_t size() const { return kinds_.size(); }
  // The item number of id, or kNone.
  uint32_t Find(const ItemId& id) const;
  // Adds id (not already present) as item size(). May throw std::bad_alloc, leaving the table
  // as it was.
  void Append(const ItemId& id);
  // Removes the last item.
  void PopBack();
  // Removes item `item`; the last item takes its number (the caller moves its data likewise).
  void SwapRemove(uint32_t item);
  ItemId Get(uint32_t item) const;
  void Reserve(size_t count);
  void Clear();
  // Bytes held: ids, string buffer and table.
  size_t MemoryBytes() const;

 private:
  uint64_t HashOf(uint32_t item) const;
  size_t Home(uint64_t hash) const;
  size_t Next(size_t slot) const;
  bool Equals(uint32_t item, const ItemId& id) const;
  // The table slot holding item, which must be present.
  size_t SlotOf(uint32_t item) const;
  void Rehash(size_t capacity);
  void EraseSlot(size_t slot);
  void CompactStrings();

  std::vector<uint8_t> kinds_;    // 0 number, 1 string
  std::vector<uint64_t> values_;  // number: its bits; string: offset << 24 | length
  std::string strings_;           // every string id's bytes
  size_t dead_string_bytes_ = 0;  // bytes of removed strings still in strings_
  std::vector<uint32_t> table_;   // item number + 1 per slot, 0 empty
};

}  // namespace clipscope
