#include "id_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "test_data.h"

namespace clipscope {
namespace {

TEST(IdTable, FindsNumbersAndStringsAsDifferentIds) {
  IdTable t;
  t.Append(1.0);
  t.Append(std::string("1"));
  t.Append(-0.0);
  EXPECT_EQ(t.Find(1.0), 0u);
  EXPECT_EQ(t.Find(std::string("1")), 1u);
  EXPECT_EQ(t.Find(0.0), 2u);  // -0 and 0 are one id
  EXPECT_EQ(t.Find(2.0), IdTable::kNone);
  EXPECT_EQ(t.Find(std::string("2")), IdTable::kNone);
  EXPECT_EQ(std::get<std::string>(t.Get(1)), "1");
}

// Random appends and swap-removals against a std::map model: every id found at its number,
// every removed id gone, strings intact after the buffer is compacted.
TEST(IdTable, MatchesAMapThroughRandomAppendsAndRemovals) {
  IdTable t;
  std::vector<ItemId> model;  // item number -> id
  testing::Rng rng(5);
  for (int step = 0; step < 20000; ++step) {
    if (model.empty() || rng.Uniform() < 0.6) {
      ItemId id = rng.Uniform() < 0.5
                      ? ItemId(double(step))
                      : ItemId("photo/" + std::to_string(step) + std::string(step % 40, 'x'));
      t.Append(id);
      model.push_back(id);
    } else {
      const uint32_t item = uint32_t(rng.Below(model.size()));
      t.SwapRemove(item);
      model[item] = model.back();
      model.pop_back();
    }
  }
  ASSERT_EQ(t.size(), model.size());
  for (uint32_t i = 0; i < model.size(); ++i) {
    ASSERT_EQ(t.Find(model[i]), i);
    ASSERT_EQ(t.Get(i), model[i]);
  }
  EXPECT_EQ(t.Find(ItemId(-1.0)), IdTable::kNone);
}

TEST(IdTable, StaysSmallPerId) {
  IdTable t;
  t.Reserve(100000);
  for (int i = 0; i < 100000; ++i) t.Append(double(i));
  // 9 bytes per id and at most 8 of table (half full at worst, 4 bytes a slot).
  EXPECT_LE(t.MemoryBytes(), 100000u * 17 + 1024);
}

}  // namespace
}  // namespace clipscope
