// Tests for lyn::assess::CustomDataFrame (from_flow on the conformance
// fixtures, the focus API, saving outputs), lyn::assess::SessionStore
// (limits, expiry, crash recovery, concurrent use) and the /api/sessions
// handlers through lyn::service::Api.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "assess/custom_dataframe.h"
#include "assess/session_store.h"
#include "config/interface.h"
#include "config/paths.h"
#include "core/json.h"
#include "service/api.h"

namespace {

namespace fs = std::filesystem;
using lyn::Error;
using lyn::Frame;
using lyn::Interface;
using lyn::List;
using lyn::Map;
using lyn::PathPolicy;
using lyn::Result;
using lyn::Value;
using lyn::assess::CustomDataFrame;
using lyn::assess::DataGroup;
using lyn::assess::SessionRequest;
using lyn::assess::SessionStore;

std::string make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "lyn-session-XXXXXX").string();
  char* d = ::mkdtemp(tmpl.data());
  return d ? fs::canonical(d).string() : std::string();
}

// A fresh copy of the conformance fixtures; removed with the object.
class FixtureCopy {
 public:
  FixtureCopy() : base_(make_temp_dir()) {
    root_ = base_ + "/fixtures";
    fs::copy(std::string(LYN_SOURCE_DIR) + "/tests/conformance/fixtures", root_,
             fs::copy_options::recursive);
  }
  ~FixtureCopy() {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  const std::string& root() const { return root_; }
  const std::string& base() const { return base_; }

 private:
  std::string base_, root_;
};

lyn::access::IoContext io_for(const std::string& root) {
  lyn::access::IoContext io;
  io.paths = PathPolicy(root, {root});
  return io;
}

Result<CustomDataFrame> load(const std::string& root, const std::string& file,
                             const std::string& dir = ".",
                             std::optional<std::string> field = std::nullopt) {
  PathPolicy policy(root, {root});
  Interface::LoadOptions opts;
  opts.user_files = {file};
  opts.directory = dir;
  opts.field = field;
  auto iface = Interface::from_base_file(opts, policy);
  if (!iface.ok()) return iface.error();
  return CustomDataFrame::from_flow(*iface, io_for(root));
}

std::vector<std::string> strings(const std::vector<Value>& vals) {
  std::vector<std::string> out;
  for (const auto& v : vals) out.push_back(lyn::py_str(v));
  return out;
}

Value value_of(const Result<Value>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Value();
}

// ---------------------------------------------------------------- frames

TEST(SessionFrame, FromFlowPeople) {
  FixtureCopy fx;
  auto cdf = load(fx.root(), "_lynguine.yml");
  ASSERT_TRUE(cdf.ok()) << cdf.error().message;
  EXPECT_EQ(cdf->shape(), (std::pair<size_t, size_t>{6, 8}));
  EXPECT_EQ(strings(cdf->columns()),
            (std::vector<std::string>{"name", "affiliation", "age", "score", "accepted",
                                      "registered", "country", "notes"}));
  EXPECT_EQ(strings(cdf->indices()), (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(cdf->get_index(), Value(1));
  EXPECT_EQ(cdf->get_column(), Value("name"));
  EXPECT_EQ(value_of(cdf->get_value()), Value("Ada Lovelace"));
  EXPECT_TRUE(cdf->get_selector().is_null());
  EXPECT_TRUE(cdf->get_subindex().is_null());
  EXPECT_TRUE(cdf->output_columns().empty());
  EXPECT_EQ(cdf->input_columns().size(), 8u);
  EXPECT_EQ(cdf->column_type(Value("country")), std::optional<std::string>("input"));
  EXPECT_EQ(cdf->column_type(Value("shoe_size")), std::nullopt);
  // No series: an empty subseries with no columns.
  Frame sub = cdf->get_subseries();
  EXPECT_EQ(sub.num_rows(), 0u);
  EXPECT_EQ(sub.num_columns(), 0u);
}

TEST(SessionFrame, FocusApi) {
  FixtureCopy fx;
  auto r = load(fx.root(), "_lynguine.yml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  CustomDataFrame& cdf = *r;

  ASSERT_TRUE(cdf.set_index(Value(4)).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value("\xc3\x89milie du Ch\xc3\xa2telet"));
  ASSERT_TRUE(cdf.set_column(Value("notes")).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value("Translated Newton's\nPrincipia"));
  ASSERT_TRUE(cdf.set_column(Value("score")).ok());
  EXPECT_TRUE(value_of(cdf.get_value()).is_nan());
  // The index column reads as the focused index.
  ASSERT_TRUE(cdf.set_column(Value("id")).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value(4));

  // "3" and 3 are different indices; 3.0 is 3.
  auto bad = cdf.set_index(Value("3"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "KeyError");
  EXPECT_EQ(bad.error().http_status, 404);
  EXPECT_EQ(bad.error().message, "'Index \"3\" not found in data'");
  EXPECT_TRUE(cdf.set_index(Value(3.0)).ok());
  ASSERT_TRUE(cdf.set_index(Value(4)).ok());

  // get_value_at leaves the focus alone when it succeeds; as lynguine's
  // server, a failing step leaves the focus the earlier steps set (here the
  // index moved to 2, the column could not).
  EXPECT_EQ(value_of(cdf.get_value_at(Value(3), Value("score"))), Value(79.25));
  EXPECT_EQ(value_of(cdf.get_value_at(Value(6), Value("accepted"))), Value(false));
  EXPECT_EQ(cdf.get_index(), Value(4));
  EXPECT_FALSE(cdf.get_value_at(Value(2), Value("shoe_size")).ok());
  EXPECT_EQ(cdf.get_index(), Value(2));
  EXPECT_EQ(cdf.get_column(), Value("id"));
  ASSERT_TRUE(cdf.set_index(Value(4)).ok());

  // Inputs are immutable; the index column cannot be set.
  auto st = cdf.set_value(Value(50));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "\"Key (4, 'id') not found in the CustomDataFrame\"");
  ASSERT_TRUE(cdf.set_column(Value("country")).ok());
  st = cdf.set_value(Value("NZ"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "'Column \"country\" is immutable and cannot be modified.'");
  EXPECT_EQ(value_of(cdf.get_value()), Value("FR"));

  auto unknown = cdf.set_column(Value("shoe_size"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "'Attempting to add column \"shoe_size\" as a set request has been given to non "
            "existent column.'");
  EXPECT_EQ(cdf.set_selector(Value("name")).error().message,
            "'Column \"name\" is not a series column.'");
  EXPECT_EQ(cdf.set_subindex(Value("x")).error().message, "'Invalid subindex set.'");
}

TEST(SessionFrame, SeriesAndOutputs) {
  FixtureCopy fx;
  auto r = load(fx.root(), "attendance.yml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  CustomDataFrame& cdf = *r;
  // Series rows multiply in the join: 3 + 1 + 1 + 2 + 1 + 1.
  EXPECT_EQ(cdf.shape(), (std::pair<size_t, size_t>{9, 13}));
  EXPECT_EQ(strings(cdf.indices()), (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(
      strings(cdf.output_columns()),
      (std::vector<std::string>{"grade", "reviewer_comment", "session", "attended", "minutes"}));
  EXPECT_EQ(strings(cdf.series_columns()),
            (std::vector<std::string>{"session", "attended", "minutes"}));
  EXPECT_EQ(cdf.get_selector(), Value("session"));
  EXPECT_EQ(cdf.get_subindex(), Value("2024-09-11"));
  EXPECT_EQ(cdf.column_type(Value("attended")), std::optional<std::string>("series"));
  EXPECT_EQ(cdf.column_type(Value("grade")), std::optional<std::string>("output"));

  Frame sub = cdf.get_subseries();
  ASSERT_EQ(sub.num_rows(), 3u);
  EXPECT_EQ(sub.num_columns(), 3u);
  EXPECT_EQ(sub.record(1), Value(Map{{"session", Value("2024-09-10")},
                                     {"attended", Value(true)},
                                     {"minutes", Value(50)}}));

  ASSERT_TRUE(cdf.set_column(Value("minutes")).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value(0));
  ASSERT_TRUE(cdf.set_subindex(Value("2024-09-09")).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value(45));
  ASSERT_TRUE(cdf.set_value(Value(47)).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value(47));
  EXPECT_FALSE(cdf.set_subindex(Value("1999-01-01")).ok());

  // Moving the index leaves the subindex alone, as lynguine's set_index
  // does: index 4 has no 2024-09-09 row, so its series cell is lynguine's
  // IndexError (no such row).
  ASSERT_TRUE(cdf.set_index(Value(4)).ok());
  EXPECT_EQ(cdf.get_subindex(), Value("2024-09-09"));
  auto none = cdf.get_value();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().type, "IndexError");
  ASSERT_TRUE(cdf.set_subindex(Value("2024-09-10")).ok());
  EXPECT_EQ(value_of(cdf.get_value_at(Value(1), Value("minutes"))), Value(50));
  // Index 2 has one series row: its cell, whatever the subindex.
  EXPECT_EQ(value_of(cdf.get_value_at(Value(2), Value("minutes"))), Value(45));
  EXPECT_EQ(cdf.get_subindex(), Value("2024-09-10"));
  EXPECT_EQ(value_of(cdf.get_value()), Value(30));

  // A row with no series rows: empty subseries with the series columns (the
  // subindex set before stays).
  ASSERT_TRUE(cdf.set_index(Value(3)).ok());
  EXPECT_EQ(cdf.get_subindex(), Value("2024-09-10"));
  EXPECT_EQ(cdf.get_subseries().num_rows(), 0u);
  EXPECT_EQ(cdf.get_subseries().num_columns(), 3u);
  // ... and an output value set there lands in the output group.
  ASSERT_TRUE(cdf.set_column(Value("grade")).ok());
  EXPECT_TRUE(value_of(cdf.get_value()).is_nan());
  ASSERT_TRUE(cdf.set_value(Value("B")).ok());
  EXPECT_EQ(value_of(cdf.get_value()), Value("B"));
  EXPECT_EQ(cdf.column_type(Value("grade")), std::optional<std::string>("output"));
  EXPECT_TRUE(value_of(cdf.get_value_at(Value(1), Value("grade"))).is_nan());

  // Changing the selector unsets a subindex that is no index label; read,
  // it becomes the new selector's last value for the focused index.
  ASSERT_TRUE(cdf.set_index(Value(2)).ok());
  ASSERT_TRUE(cdf.set_selector(Value("minutes")).ok());
  EXPECT_EQ(cdf.get_subindex(), Value(45));
}

TEST(SessionFrame, SaveOutputsAndReadBack) {
  FixtureCopy fx;
  const std::string out_file = fx.root() + "/data/people-review.csv";
  ASSERT_FALSE(fs::exists(out_file));
  {
    auto r = load(fx.root(), "attendance.yml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    CustomDataFrame& cdf = *r;
    ASSERT_TRUE(cdf.set_index(Value(2)).ok());
    ASSERT_TRUE(cdf.set_column(Value("grade")).ok());
    ASSERT_TRUE(cdf.set_value(Value("A-")).ok());
    ASSERT_TRUE(cdf.set_column(Value("reviewer_comment")).ok());
    ASSERT_TRUE(cdf.set_value(Value("solid")).ok());
    auto st = cdf.save_flows(io_for(fx.root()));
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  ASSERT_TRUE(fs::exists(out_file));
  std::ifstream in(out_file);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "id,grade,reviewer_comment");

  auto again = load(fx.root(), "attendance.yml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->shape(), (std::pair<size_t, size_t>{9, 13}));
  EXPECT_EQ(value_of(again->get_value_at(Value(2), Value("grade"))), Value("A-"));
  EXPECT_EQ(value_of(again->get_value_at(Value(2), Value("reviewer_comment"))), Value("solid"));
  EXPECT_TRUE(value_of(again->get_value_at(Value(1), Value("grade"))).is_missing());
}

TEST(SessionFrame, InheritedInputAndDirectorySources) {
  FixtureCopy fx;
  auto child = load(fx.root(), "_lynguine.yml", "child");
  ASSERT_TRUE(child.ok()) << child.error().message;
  EXPECT_EQ(child->shape(), (std::pair<size_t, size_t>{6, 9}));
  EXPECT_EQ(value_of(child->get_value_at(Value(3), Value("mentor"))), Value("Ek"));
  EXPECT_TRUE(value_of(child->get_value_at(Value(2), Value("mentor"))).is_nan());
  EXPECT_TRUE(value_of(child->get_value_at(Value(5), Value("mentor"))).is_null());

  auto lectures = load(fx.root(), "lectures.yml");
  ASSERT_TRUE(lectures.ok()) << lectures.error().message;
  EXPECT_EQ(strings(lectures->indices()),
            (std::vector<std::string>{"week01.md", "week02.md", "week03.md"}));
  EXPECT_EQ(value_of(lectures->get_value_at(Value("week02.md"), Value("sourceRoot"))),
            Value(fx.root()));
  EXPECT_EQ(value_of(lectures->get_value_at(Value("week02.md"), Value("duration"))), Value(45.5));
}

TEST(SessionFrame, InterfaceFieldAndNoData) {
  FixtureCopy fx;
  auto seminars = load(fx.root(), "flows.yml", ".", "seminars");
  ASSERT_TRUE(seminars.ok()) << seminars.error().message;
  EXPECT_EQ(seminars->indices().size(), 3u);
  EXPECT_EQ(seminars->index_name(), Value("speaker"));

  auto none = load(fx.root(), "_config.yml");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().type, "ValueError");
  EXPECT_NE(none.error().message.find("No valid data found in interface"), std::string::npos);
}

TEST(SessionFrame, ParametersAndDuplicates) {
  Frame input = Frame::from_records(List{Value(Map{{"k", Value(1)}, {"v", Value("a")}}),
                                         Value(Map{{"k", Value(1)}, {"v", Value("dup")}}),
                                         Value(Map{{"k", Value(2)}, {"v", Value("b")}})});
  input.set_index("k");
  Frame params = Frame::from_records(List{Value(Map{{"rate", Value(0.5)}})});
  auto cdf = CustomDataFrame::from_groups(
      {DataGroup{"input", input, Value()}, DataGroup{"constants", params, Value()}});
  // Duplicate index values are dropped from non-series groups (first kept).
  EXPECT_EQ(cdf.shape(), (std::pair<size_t, size_t>{2, 2}));
  EXPECT_EQ(value_of(cdf.get_value_at(Value(1), Value("v"))), Value("a"));
  // A parameter applies to every index.
  EXPECT_EQ(value_of(cdf.get_value_at(Value(2), Value("rate"))), Value(0.5));
}

TEST(SessionFrame, ApproxBytesGrowWithData) {
  FixtureCopy fx;
  auto small = load(fx.root(), "_lynguine.yml", "child");
  auto big = load(fx.root(), "attendance.yml");
  ASSERT_TRUE(small.ok() && big.ok());
  EXPECT_GT(small->approx_bytes(), 1000u);
  EXPECT_GT(big->approx_bytes(), small->approx_bytes());
}

// ---------------------------------------------------------------- store

CustomDataFrame tiny_frame() {
  Frame f = Frame::from_records(List{Value(Map{{"id", Value(1)}, {"x", Value(10)}}),
                                     Value(Map{{"id", Value(2)}, {"x", Value(20)}})});
  f.set_index("id");
  Frame out = Frame::from_records(List{Value(Map{{"id", Value(1)}, {"y", Value::nan()}}),
                                       Value(Map{{"id", Value(2)}, {"y", Value::nan()}})});
  out.set_index("id");
  return CustomDataFrame::from_groups(
      {DataGroup{"input", f, Value()}, DataGroup{"output", out, Value()}});
}

SessionStore::Loader tiny_loader(std::atomic<int>* calls = nullptr) {
  return [calls](const SessionRequest& req) -> Result<CustomDataFrame> {
    if (calls) ++*calls;
    if (req.interface_file == "missing.yml") return Error::not_found("Interface file not found");
    return tiny_frame();
  };
}

SessionRequest request(std::string file = "a.yml") {
  SessionRequest r;
  r.interface_file = std::move(file);
  return r;
}

std::string id_of(const Value& meta) {
  return meta.get("session_id")->as_string();
}

TEST(SessionStore, CreateInfoListDelete) {
  SessionStore store(SessionStore::Options{});
  auto meta = store.create(request(), tiny_loader());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  std::string id = id_of(*meta);
  // uuid4 form.
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_EQ(*meta->get("timeout"), Value(3600));
  EXPECT_EQ(*meta->get("directory"), Value("."));
  EXPECT_TRUE(meta->get("interface_field")->is_null());
  EXPECT_EQ(*meta->get("shape"), Value(List{Value(2), Value(2)}));

  auto info = store.info(id, tiny_loader());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info->get("columns"), Value(List{Value("x"), Value("y")}));

  Value list = store.list(tiny_loader());
  EXPECT_EQ(*list.get("total_sessions"), Value(1));
  EXPECT_GT(list.get("total_memory_mb")->to_double(), 0.0);

  auto r = store.with_session(id, tiny_loader(), [](CustomDataFrame& cdf) -> Result<Value> {
    auto st = cdf.set_column(Value("y"));
    if (!st.ok()) return st.error();
    st = cdf.set_value(Value("set"));
    if (!st.ok()) return st.error();
    return cdf.get_value();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Value("set"));

  ASSERT_TRUE(store.remove(id).ok());
  auto gone = store.info(id, tiny_loader());
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().type, "KeyError");
  EXPECT_EQ(gone.error().http_status, 404);
  EXPECT_EQ(gone.error().message, "'Session not found: " + id + "'");
  EXPECT_FALSE(store.remove(id).ok());
}

TEST(SessionStore, LimitOnSessionCount) {
  SessionStore::Options o;
  o.max_sessions = 3;
  SessionStore store(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.create(request(), tiny_loader()).ok());
  auto full = store.create(request(), tiny_loader());
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().type, "ValueError");
  EXPECT_EQ(full.error().message,
            "Maximum number of sessions (3) reached. Delete existing sessions or increase limit.");
  // A failed load does not take a slot, and deleting frees one.
  EXPECT_EQ(store.size(), 3u);
  Value list = store.list(tiny_loader());
  std::string first = id_of(list.get("sessions")->as_list().front());
  ASSERT_TRUE(store.remove(first).ok());
  EXPECT_FALSE(store.create(request("missing.yml"), tiny_loader()).ok());
  EXPECT_TRUE(store.create(request(), tiny_loader()).ok());
}

TEST(SessionStore, DefaultLimitIsOneHundred) {
  SessionStore store(SessionStore::Options{});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store.create(request(), tiny_loader()).ok());
  auto full = store.create(request(), tiny_loader());
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("(100)"), std::string::npos);
}

TEST(SessionStore, SessionsBelongToTheirCreator) {
  SessionStore store(SessionStore::Options{});
  SessionRequest alices = request();
  alices.owner = "key:alice";
  auto meta = store.create(alices, tiny_loader());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  std::string id = id_of(*meta);
  auto noop = [](CustomDataFrame&) -> Result<Value> { return Value(Map{}); };
  // To another principal it does not exist: not listed, not found, not removed.
  EXPECT_EQ(*store.list(tiny_loader(), "key:bob").get("total_sessions"), Value(0));
  auto theirs = store.info(id, tiny_loader(), "key:bob");
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().message, "'Session not found: " + id + "'");
  EXPECT_FALSE(store.with_session(id, tiny_loader(), noop, "key:bob").ok());
  EXPECT_FALSE(store.remove(id, "key:bob").ok());
  EXPECT_FALSE(store.info(id, tiny_loader()).ok());  // nor to direct mode's "local"
  // Its creator has it.
  EXPECT_EQ(*store.list(tiny_loader(), "key:alice").get("total_sessions"), Value(1));
  EXPECT_TRUE(store.with_session(id, tiny_loader(), noop, "key:alice").ok());
  EXPECT_TRUE(store.remove(id, "key:alice").ok());
}

TEST(SessionStore, PerOwnerQuota) {
  SessionStore store(SessionStore::Options{});
  SessionRequest r = request();
  r.owner = "key:carol";
  r.owner_quota = 2;
  ASSERT_TRUE(store.create(r, tiny_loader()).ok());
  ASSERT_TRUE(store.create(r, tiny_loader()).ok());
  auto over = store.create(r, tiny_loader());
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().http_status, 429);
  // Another principal is not held back by carol's quota.
  SessionRequest other = request();
  other.owner = "key:alice";
  other.owner_quota = 2;
  EXPECT_TRUE(store.create(other, tiny_loader()).ok());
}

TEST(SessionStore, IdleExpiry) {
  auto now = std::make_shared<std::atomic<double>>(1000.0);
  SessionStore::Options o;
  o.clock = [now] { return now->load(); };
  SessionStore store(o);
  SessionRequest short_req = request();
  short_req.timeout = Value(10);
  SessionRequest forever = request();
  forever.timeout = Value(0);
  std::string a = id_of(*store.create(short_req, tiny_loader()));
  std::string b = id_of(*store.create(forever, tiny_loader()));
  std::string c = id_of(*store.create(request(), tiny_loader()));  // default 3600

  *now = 1008.0;
  ASSERT_TRUE(store.info(a, tiny_loader()).ok());  // touches it
  auto meta = store.info(c, tiny_loader());
  EXPECT_DOUBLE_EQ(meta->get("age_seconds")->to_double(), 8.0);
  *now = 1017.0;  // 9 s idle: still there
  EXPECT_EQ(store.sweep_expired(), 0u);
  *now = 1019.0;  // 11 s idle: expired
  EXPECT_FALSE(store.info(a, tiny_loader()).ok());
  EXPECT_TRUE(store.info(b, tiny_loader()).ok());
  *now = 1019.0 + 3601.0;
  EXPECT_EQ(store.sweep_expired(), 1u);  // c
  EXPECT_TRUE(store.info(b, tiny_loader()).ok());
  EXPECT_EQ(store.size(), 1u);

  SessionRequest bad = request();
  bad.timeout = Value("soon");
  EXPECT_FALSE(store.create(bad, tiny_loader()).ok());
}

TEST(SessionStore, CrashRecoveryRebuildsFromRequest) {
  std::string dir = make_temp_dir();
  std::atomic<int> loads{0};
  SessionStore::Options o;
  o.root = "/srv/a";
  o.persist_dir = dir + "/sessions";
  std::string id;
  double created = 0;
  {
    SessionStore store(o);
    SessionRequest req = request("iface.yml");
    req.directory = Value("sub");
    req.timeout = Value(600);
    auto meta = store.create(req, tiny_loader(&loads));
    ASSERT_TRUE(meta.ok());
    id = id_of(*meta);
    created = meta->get("created_time")->to_double();
    EXPECT_TRUE(fs::exists(o.persist_dir + "/" + id + ".json"));
  }
  EXPECT_EQ(loads.load(), 1);
  {
    // Another root does not see it.
    SessionStore::Options other = o;
    other.root = "/srv/b";
    SessionStore store(other);
    EXPECT_FALSE(store.info(id, tiny_loader(&loads)).ok());
  }
  {
    // A restarted store rebuilds on demand, keeping id, request and creation time.
    SessionStore store(o);
    EXPECT_EQ(store.size(), 0u);
    auto meta = store.info(id, tiny_loader(&loads));
    ASSERT_TRUE(meta.ok()) << meta.error().message;
    EXPECT_EQ(loads.load(), 2);
    EXPECT_EQ(*meta->get("interface_file"), Value("iface.yml"));
    EXPECT_EQ(*meta->get("directory"), Value("sub"));
    EXPECT_EQ(*meta->get("timeout"), Value(600));
    EXPECT_DOUBLE_EQ(meta->get("created_time")->to_double(), created);
    ASSERT_TRUE(store.remove(id).ok());
    EXPECT_FALSE(fs::exists(o.persist_dir + "/" + id + ".json"));
  }
  {
    SessionStore store(o);
    EXPECT_EQ(*store.list(tiny_loader()).get("total_sessions"), Value(0));
  }
  fs::remove_all(dir);
}

TEST(SessionStore, RecoveryDropsSessionsIdlePastTheirTimeout) {
  std::string dir = make_temp_dir();
  auto now = std::make_shared<std::atomic<double>>(5000.0);
  SessionStore::Options o;
  o.root = "/srv/a";
  o.persist_dir = dir + "/sessions";
  o.clock = [now] { return now->load(); };
  std::string stale, fresh;
  {
    SessionStore store(o);
    SessionRequest short_req = request();
    short_req.timeout = Value(10);
    stale = id_of(*store.create(short_req, tiny_loader()));
    fresh = id_of(*store.create(request(), tiny_loader()));
  }
  *now = 5011.0;
  SessionStore store(o);
  EXPECT_FALSE(store.info(stale, tiny_loader()).ok());
  EXPECT_FALSE(fs::exists(o.persist_dir + "/" + stale + ".json"));
  EXPECT_TRUE(store.info(fresh, tiny_loader()).ok());
  fs::remove_all(dir);
}

TEST(SessionStore, ConcurrentSessions) {
  SessionStore::Options o;
  o.max_sessions = 10;
  SessionStore store(o);
  // 16 threads race to create: exactly the limit succeeds.
  std::atomic<int> created{0}, refused{0};
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
      threads.emplace_back([&] {
        if (store.create(request(), tiny_loader()).ok())
          ++created;
        else
          ++refused;
      });
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(created.load(), 10);
  EXPECT_EQ(refused.load(), 6);

  // Many threads moving the focus of one shared session and setting values:
  // each operation sees a consistent frame.
  std::string shared = id_of(store.list(tiny_loader()).get("sessions")->as_list().front());
  std::atomic<int> bad{0};
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          int row = 1 + (i + t) % 2;
          auto r = store.with_session(shared, tiny_loader(), [&](CustomDataFrame& cdf) {
            Result<Value> out = Value();
            if (!cdf.set_index(Value(row)).ok() || !cdf.set_column(Value("y")).ok() ||
                !cdf.set_value(Value(static_cast<int64_t>(t * 1000 + i))).ok())
              return out = Error::internal("op failed");
            out = cdf.get_value();
            return out;
          });
          // y is float64 (all NaN at first), so ints are stored as floats.
          if (!r.ok() || !r->is_number() || r->to_double() != t * 1000.0 + i) ++bad;
          if (i % 50 == 0) (void)store.list(tiny_loader());
        }
      });
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store.size(), 10u);
}

// ---------------------------------------------------------------- handlers

struct ApiReply {
  int status;
  Value body;
};

class SessionApi : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = make_temp_dir();
    ::setenv("LYNGUINE_STATE_DIR", state_.c_str(), 1);
    lyn::service::ApiOptions o;
    o.root = fx_.root();
    api_ = std::make_unique<lyn::service::Api>(o);
  }
  void TearDown() override {
    ::unsetenv("LYNGUINE_STATE_DIR");
    fs::remove_all(state_);
  }
  ApiReply call(std::string_view method, const std::string& path, const std::string& body = "") {
    auto r = api_->handle(method, path, body);
    auto parsed = lyn::parse_json(r.body);
    EXPECT_TRUE(parsed.ok()) << r.body;
    return {r.status, parsed.ok() ? *parsed : Value()};
  }

  FixtureCopy fx_;
  std::string state_;
  std::unique_ptr<lyn::service::Api> api_;
};

TEST_F(SessionApi, LifecycleOverTheApi) {
  auto created = call("POST", "/api/sessions", R"({"interface_file": "attendance.yml"})");
  ASSERT_EQ(created.status, 200) << lyn::to_json(created.body);
  std::string id = id_of(*created.body.get("session"));
  std::string base = "/api/sessions/" + id;

  auto shape = call("GET", base + "/get_shape");
  EXPECT_EQ(*shape.body.get("shape"), Value(List{Value(9), Value(13)}));
  auto sub = call("GET", base + "/get_subseries");
  EXPECT_EQ(*sub.body.get("subseries")->get("shape"), Value(List{Value(3), Value(3)}));

  auto missing = call("POST", base + "/set_index", "{}");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(*missing.body.get("error_message"), Value("Missing required parameter: index"));
  auto unknown_index = call("POST", base + "/set_index", R"({"index": "1"})");
  EXPECT_EQ(unknown_index.status, 404);
  EXPECT_EQ(*unknown_index.body.get("error_type"), Value("KeyError"));
  auto op = call("POST", base + "/transpose", "{}");
  EXPECT_EQ(*op.body.get("error_message"), Value("Unknown operation: transpose"));

  // DELETE on an operation path is refused and does not delete the session.
  auto del_op = call("DELETE", base + "/get_shape");
  EXPECT_EQ(del_op.status, 405);
  EXPECT_EQ(call("GET", base).status, 200);

  auto del = call("DELETE", base);
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(*del.body.get("message"), Value("Session " + id + " deleted"));
  EXPECT_EQ(call("GET", base + "/get_shape").status, 404);
  EXPECT_EQ(call("GET", "/api/sessions/").status, 400);
}

TEST_F(SessionApi, CreateErrorsAndInterfaceField) {
  auto no_file = call("POST", "/api/sessions", "{}");
  EXPECT_EQ(*no_file.body.get("error_message"),
            Value("Missing required parameter: interface_file"));
  auto missing = call("POST", "/api/sessions", R"({"interface_file": "nothing.yml"})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(*missing.body.get("error_message"),
            Value("Interface file not found: " + fx_.root() + "/nothing.yml"));
  auto escape = call("POST", "/api/sessions",
                     R"({"interface_file": "_lynguine.yml", "directory": "../../.."})");
  EXPECT_EQ(*escape.body.get("error_type"), Value("PathEscapeError"));

  // Bodies that are not objects fail as lynguine's request_data.get does.
  auto list_body = call("POST", "/api/sessions", "[1]");
  EXPECT_EQ(list_body.status, 400);
  EXPECT_EQ(*list_body.body.get("error_type"), Value("AttributeError"));
  EXPECT_EQ(*list_body.body.get("error_message"), Value("'list' object has no attribute 'get'"));

  auto seminars = call("POST", "/api/sessions",
                       R"({"interface_file": "flows.yml", "interface_field": "seminars"})");
  ASSERT_EQ(seminars.status, 200) << lyn::to_json(seminars.body);
  EXPECT_EQ(*seminars.body.get("session")->get("interface_field"), Value("seminars"));
  EXPECT_EQ(seminars.body.get("session")->get("shape")->as_list()[0], Value(3));

  auto people = call("POST", "/api/sessions", R"({"interface_file": "_lynguine.yml"})");
  std::string id = id_of(*people.body.get("session"));
  auto subindex = call("GET", "/api/sessions/" + id + "/get_subindex");
  EXPECT_EQ(subindex.status, 200);
  EXPECT_TRUE(subindex.body.get("subindex")->is_null());
  // The creation request was persisted for crash recovery.
  EXPECT_TRUE(fs::exists(state_ + "/sessions/" + id + ".json"));
  auto list = call("GET", "/api/sessions");
  EXPECT_EQ(*list.body.get("total_sessions"), Value(2));
}

}  // namespace
