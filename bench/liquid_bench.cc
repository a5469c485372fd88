// Benchmarks for the Liquid engine: a ~20-line record template rendered
// over 10,000 records (records per second), and a tiny template rendered
// repeatedly (renders per second; target 1M/s on one core).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "assess/liquid/liquid.h"
#include "core/value.h"

namespace {

using lyn::List;
using lyn::Map;
using lyn::Value;

const char* kRecordTemplate = R"({% assign slug = title | downcase | replace: ' ', '-' %}
---
title: "{{ title | escape }}"
slug: {{ year }}-{{ slug }}
authors: {% for a in authors %}{{ a.given }} {{ a.family }}{% unless forloop.last %}, {% endunless %}{% endfor %}
{% if venue %}venue: {{ venue | upcase }}{% else %}venue: n/a{% endif %}
year: {{ year | to_i }}
pages: {{ pages | default: 'unknown' }}
score: {{ score | times: 2.5 | round: 2 }}
tags: {{ tags | join: ', ' }}
url: {{ path | relative_url }}
{% case kind %}{% when 'book' %}type: Book{% when 'paper' %}type: Paper{% else %}type: Other{% endcase %}
count: {{ tags | size }}
first: {{ tags | first }}
summary: {{ summary | truncate: 40 }}
{% if score > 3 and year >= 2000 %}high{% endif %}
index: {{ family | append: '_' | append: given }}
---
)";

std::vector<Map> make_records(int n) {
  std::vector<Map> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    Map r;
    r.set("title", Value("Deep Learning Part " + std::to_string(i)));
    r.set("year", Value(1990 + i % 35));
    r.set("venue", i % 3 ? Value("NeurIPS") : Value(""));
    r.set("score", Value(1.5 + (i % 7) * 0.5));
    r.set("tags", Value(List{Value("ml"), Value("ai"), Value("stats")}));
    r.set("path", Value("/papers/p" + std::to_string(i) + ".ipynb"));
    r.set("kind", Value(i % 2 ? "book" : "paper"));
    r.set("summary", Value("A long summary of the paper that goes on and on about results"));
    r.set("family", Value("Lawrence"));
    r.set("given", Value("Neil"));
    r.set("authors", Value(List{Value(Map{{"given", Value("A.")}, {"family", Value("One")}}),
                                Value(Map{{"given", Value("B.")}, {"family", Value("Two")}})}));
    out.push_back(std::move(r));
  }
  return out;
}

void BM_RecordTemplate(benchmark::State& state) {
  std::vector<Map> records = make_records(10000);
  size_t bytes = 0;
  for (auto _ : state) {
    for (const Map& r : records) {
      auto out = lyn::liquid::render_liquid(kRecordTemplate, r);
      bytes += std::get<std::string>(out).size();
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["records_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * records.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RecordTemplate)->Unit(benchmark::kMillisecond);

void BM_SimpleRender(benchmark::State& state) {
  auto parsed = lyn::liquid::parse("Hello {{ name }}!");
  auto tpl = std::get<std::shared_ptr<const lyn::liquid::Template>>(parsed);
  Map ctx{{"name", Value("World")}};
  for (auto _ : state) {
    auto out = lyn::liquid::render(*tpl, ctx);
    benchmark::DoNotOptimize(out);
  }
  state.counters["renders_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimpleRender);

void BM_SimpleRenderLiquid(benchmark::State& state) {
  Map ctx{{"name", Value("World")}};
  for (auto _ : state) {
    auto out = lyn::liquid::render_liquid("Hello {{ name }}!", ctx);
    benchmark::DoNotOptimize(out);
  }
  state.counters["renders_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimpleRenderLiquid);

}  // namespace

BENCHMARK_MAIN();
