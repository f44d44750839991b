#include "id_table.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>
#include <string_view>

namespace clipscope {
namespace {

constexpr uint8_t kNumber = 0, kString = 1;
constexpr uint64_t kLengthBits = 24;  // strings up to 16 MiB, at offsets up to 2^40
constexpr uint64_t kLengthMask = (uint64_t(1) << kLengthBits) - 1;

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t NumberBits(double v) {
  if (v == 0) v = 0;  // -0 and 0 are one id, as in std::hash
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return bits;
}

uint64_t HashNumber(double v) { return Mix(NumberBits(v)); }
uint64_t HashString(std::string_view s) { return Mix(std::hash<std::string_view>{}(s) ^ 1); }

uint64_t HashId(const ItemId& id) {
  if (const double* number = std::get_if<double>(&id)) return HashNumber(*number);
  return HashString(std::get<std::string>(id));
}

// At most three quarters full (short probe runs), at least a third full after growing.
size_t CapacityFor(size_t count) { return std::max<size_t>(16, count + count / 2 + 1); }

}  // namespace

uint64_t IdTable::HashOf(uint32_t item) const {
  if (kinds_[item] == kNumber) {
    double v;
    std::memcpy(&v, &values_[item], 8);
    return HashNumber(v);
  }
  const uint64_t packed = values_[item];
  return HashString(std::string_view(strings_).substr(packed >> kLengthBits, packed & kLengthMask));
}

bool IdTable::Equals(uint32_t item, const ItemId& id) const {
  if (const double* number = std::get_if<double>(&id)) {
    if (kinds_[item] != kNumber) return false;
    double v;
    std::memcpy(&v, &values_[item], 8);
    return v == *number;
  }
  if (kinds_[item] != kString) return false;
  const uint64_t packed = values_[item];
  return std::string_view(strings_).substr(packed >> kLengthBits, packed & kLengthMask) ==
         std::get<std::string>(id);
}

// The table has any size (not a power of two, so it can be sized close to what it holds): a
// hash's home slot is its high bits scaled to the size.
size_t IdTable::Home(uint64_t hash) const { return size_t(((hash >> 32) * table_.size()) >> 32); }

size_t IdTable::Next(size_t slot) const { return slot + 1 == table_.size() ? 0 : slot + 1; }

uint32_t IdTable::Find(const ItemId& id) const {
  if (table_.empty()) return kNone;
  for (size_t slot = Home(HashId(id));; slot = Next(slot)) {
    const uint32_t entry = table_[slot];
    if (entry == 0) return kNone;
    if (Equals(entry - 1, id)) return entry - 1;
  }
}

size_t IdTable::SlotOf(uint32_t item) const {
  size_t slot = Home(HashOf(item));
  while (table_[slot] != item + 1) slot = Next(slot);
  return slot;
}

void IdTable::Rehash(size_t capacity) {
  std::vector<uint32_t> table(capacity, 0);  // may throw: nothing changed yet
  table_.swap(table);
  for (uint32_t item = 0; item < size(); ++item) {
    size_t slot = Home(HashOf(item));
    while (table_[slot] != 0) slot = Next(slot);
    table_[slot] = item + 1;
  }
}

void IdTable::Reserve(size_t count) {
  kinds_.reserve(count);
  values_.reserve(count);
  const size_t capacity = CapacityFor(count);
  if (capacity > table_.size()) Rehash(capacity);
}

void IdTable::Append(const ItemId& id) {
  const size_t before_strings = strings_.size();
  uint64_t value;
  uint8_t kind;
  if (const double* number = std::get_if<double>(&id)) {
    kind = kNumber;
    std::memcpy(&value, number, 8);
  } else {
    const std::string& text = std::get<std::string>(id);
    if (text.size() > kLengthMask) throw std::length_error("id longer than 16 MiB");
    kind = kString;
    value = uint64_t(strings_.size()) << kLengthBits | text.size();
    strings_ += text;
  }
  try {
    if (4 * (size() + 1) > 3 * table_.size()) Rehash(CapacityFor(size() + 1 + size() / 2));
    kinds_.push_back(kind);
    values_.push_back(value);
  } catch (...) {
    strings_.resize(before_strings);
    if (kinds_.size() > values_.size()) kinds_.pop_back();
    throw;
  }
  const uint32_t item = uint32_t(size() - 1);
  size_t slot = Home(HashOf(item));
  while (table_[slot] != 0) slot = Next(slot);
  table_[slot] = item + 1;
}

// Linear probing's deletion without tombstones: later entries of the run move back into the
// gap when their home slot allows it.
void IdTable::EraseSlot(size_t slot) {
  const size_t capacity = table_.size();
  auto behind = [capacity](size_t from, size_t to) { return (to + capacity - from) % capacity; };
  size_t gap = slot;
  for (size_t next = Next(gap); table_[next] != 0; next = Next(next)) {
    const size_t home = Home(HashOf(table_[next] - 1));
    // The entry may fill the gap if its home is not within (gap, next].
    if (behind(home, next) >= behind(gap, next)) {
      table_[gap] = table_[next];
      gap = next;
    }
  }
  table_[gap] = 0;
}

void IdTable::PopBack() { SwapRemove(uint32_t(size() - 1)); }

void IdTable::SwapRemove(uint32_t item) {
  const uint32_t last = uint32_t(size() - 1);
  EraseSlot(SlotOf(item));
  if (kinds_[item] == kString) dead_string_bytes_ += values_[item] & kLengthMask;
  if (item != last) {
    table_[SlotOf(last)] = item + 1;
    kinds_[item] = kinds_[last];
    values_[item] = values_[last];
  }
  kinds_.pop_back();
  values_.pop_back();
  if (dead_string_bytes_ > 4096 && dead_string_bytes_ * 2 > strings_.size()) CompactStrings();
}

void IdTable::CompactStrings() {
  std::string live;
  live.reserve(strings_.size() - dead_string_bytes_);
  for (size_t item = 0; item < size(); ++item) {
    if (kinds_[item] != kString) continue;
    const uint64_t packed = values_[item];
    const uint64_t length = packed & kLengthMask;
    values_[item] = uint64_t(live.size()) << kLengthBits | length;
    live.append(strings_, packed >> kLengthBits, length);
  }
  strings_.swap(live);
  dead_string_bytes_ = 0;
}

ItemId IdTable::Get(uint32_t item) const {
  if (kinds_[item] == kNumber) {
    double v;
    std::memcpy(&v, &values_[item], 8);
    return v;
  }
  const uint64_t packed = values_[item];
  return strings_.substr(packed >> kLengthBits, packed & kLengthMask);
}

void IdTable::Clear() { *this = IdTable(); }

size_t IdTable::MemoryBytes() const {
  return kinds_.capacity() + values_.capacity() * 8 + strings_.capacity() + table_.capacity() * 4;
}

}  // namespace clipscope
