#include "access/fake_generators.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <string>

namespace lyn::access {

namespace {

using Words = std::vector<std::string_view>;

const Words& given_names() {
  static const Words w = {
      "Abigail",  "Ada",     "Adrian",  "Agnes",   "Aidan",   "Alan",    "Albert",  "Alice",
      "Alma",     "Alvin",   "Amara",   "Amelia",  "Amos",    "Andre",   "Angela",  "Anita",
      "Ann",      "Anthony", "Arlo",    "Arthur",  "Audrey",  "Austin",  "Barbara", "Beatrice",
      "Benny",    "Bernard", "Bianca",  "Blake",   "Bonnie",  "Boris",   "Brenda",  "Brian",
      "Bruce",    "Bryan",   "Caleb",   "Camille", "Carl",    "Carmen",  "Carol",   "Cecil",
      "Celia",    "Chad",    "Charles", "Chester", "Chloe",   "Clara",   "Claude",  "Clifford",
      "Colin",    "Connie",  "Cora",    "Craig",   "Cyrus",   "Daisy",   "Dale",    "Damon",
      "Daniel",   "Daphne",  "Darius",  "Dawn",    "Dean",    "Delia",   "Dennis",  "Diana",
      "Dolores",  "Donald",  "Dora",    "Douglas", "Duncan",  "Dwight",  "Edgar",   "Edith",
      "Edwin",    "Efrain",  "Eileen",  "Elena",   "Eli",     "Eliza",   "Ellis",   "Elmer",
      "Eloise",   "Emil",    "Emma",    "Enid",    "Eric",    "Erin",    "Ernest",  "Esther",
      "Ethan",    "Eugene",  "Eva",     "Evelyn",  "Felix",   "Fern",    "Fiona",   "Floyd",
      "Frances",  "Frank",   "Freda",   "Gail",    "Garrett", "Gavin",   "Gemma",   "Gerald",
      "Gilbert",  "Gina",    "Glen",    "Gloria",  "Gordon",  "Grace",   "Gwen",    "Hank",
      "Harold",   "Harriet", "Hazel",   "Hector",  "Helen",   "Herbert", "Hilda",   "Homer",
      "Hope",     "Hugo",    "Ian",     "Ida",     "Imogen",  "Irene",   "Iris",    "Isaac",
      "Isidro",   "Ivan",    "Ivy",     "Jack",    "Jacob",   "Jade",    "Janet",   "Jasper",
      "Jean",     "Jerome",  "Joan",    "Joel",    "Jong",    "Joy",     "Judith",  "Julian",
      "June",     "Karen",   "Keith",   "Kendra",  "Kirk",    "Lana",    "Lars",    "Laura",
      "Leon",     "Leonora", "Lester",  "Lila",    "Linus",   "Lois",    "Lorenzo", "Lucia",
      "Luther",   "Lydia",   "Mabel",   "Malcolm", "Marcus",  "Margot",  "Marian",  "Marvin",
      "Maude",    "Maxine",  "Miles",   "Milton",  "Mina",    "Miriam",  "Monroe",  "Muriel",
      "Nadia",    "Nathan",  "Nell",    "Neville", "Nina",    "Noah",    "Nora",    "Norman",
      "Oliver",   "Olive",   "Orson",   "Oscar",   "Otis",    "Pamela",  "Pearl",   "Percy",
      "Petra",    "Phoebe",  "Quentin", "Quinn",   "Rachel",  "Ralph",   "Ramona",  "Reuben",
      "Rhoda",    "Roland",  "Rosa",    "Rufus",   "Ruth",    "Sabrina", "Samuel",  "Selma",
      "Sidney",   "Sima",    "Simone",  "Stanley", "Stella",  "Sybil",   "Tabitha", "Thea",
      "Theodore", "Tobias",  "Trudy",   "Ursula",  "Valerie", "Vernon",  "Vida",    "Vincent",
      "Viola",    "Wade",    "Walter",  "Wanda",   "Wesley",  "Wilma",   "Xavier",  "Yara",
      "Yvonne",   "Zane",    "Zelda",   "Zora"};
  return w;
}

const Words& family_names() {
  static const Words w = {
      "Abbott",    "Acosta",   "Aldridge",  "Ames",      "Archer",    "Ashby",    "Atwood",
      "Bain",      "Barlow",   "Barton",    "Baxter",    "Bell",      "Benton",   "Bishop",
      "Blackwell", "Bolton",   "Booker",    "Bowen",     "Bradshaw",  "Brennan",  "Briggs",
      "Brooks",    "Burgess",  "Cannon",    "Carlisle",  "Carver",    "Chandler", "Chapman",
      "Clayton",   "Cobb",     "Colby",     "Conway",    "Crane",     "Crawford", "Cross",
      "Dalton",    "Darby",    "Dawson",    "Delgado",   "Dixon",     "Doyle",    "Drake",
      "Dunbar",    "Eaton",    "Ellison",   "Emerson",   "Farrell",   "Fenwick",  "Fleming",
      "Fletcher",  "Forbes",   "Fowler",    "Frost",     "Gallagher", "Garner",   "Gibbs",
      "Goodwin",   "Graves",   "Hadley",    "Hale",      "Harding",   "Hawkins",  "Hayes",
      "Hendrix",   "Holden",   "Hopper",    "Howell",    "Hughes",    "Ingram",   "Irwin",
      "Jarvis",    "Jennings", "Keller",    "Kendall",   "Kerr",      "Kirby",    "Lambert",
      "Langley",   "Larkin",   "Lawson",    "Lindqvist", "Lowell",    "Lynch",    "Maddox",
      "Manning",   "Marsh",    "Martin",    "Mercer",    "Merritt",   "Monroe",   "Morrow",
      "Nash",      "Newman",   "Nolan",     "Norris",    "Oakley",    "Ortega",   "Osborne",
      "Parrish",   "Pearce",   "Pemberton", "Porter",    "Prescott",  "Quincy",   "Ramsey",
      "Rasmussen", "Reeves",   "Rhodes",    "Rice",      "Ridley",    "Rowe",     "Salazar",
      "Sawyer",    "Sexton",   "Shelton",   "Sinclair",  "Slater",    "Spencer",  "Stark",
      "Stokes",    "Sutton",   "Tanner",    "Thornton",  "Tolbert",   "Townsend", "Tucker",
      "Underwood", "Vance",    "Vaughan",   "Wallace",   "Warner",    "Webb",     "Whitaker",
      "Wilder",    "Winslow",  "Wolfe",     "Wyatt",     "Yates",     "Young",    "Zimmerman"};
  return w;
}

// Name particles and generational suffixes, as lynguine draws them.
const Words& name_prefixes() {
  static const Words w = {"al",  "bin", "da",  "de",     "de la",   "del", "della",   "den", "der",
                          "di",  "du",  "el",  "ibn",    "la",      "le",  "mac",     "O'",  "St",
                          "ten", "ter", "van", "van de", "van der", "von", "von der", "y",   "zu"};
  return w;
}

const Words& name_suffixes() {
  static const Words w = {"Jr.", "Sr.", "Jr", "Sr", "Jnr", "Snr",  "I",  "II",
                          "III", "IV",  "V",  "VI", "VII", "VIII", "IX", "X"};
  return w;
}

const Words& cities() {
  static const Words w = {
      "Abilene",    "Akron",       "Albany",      "Alton",     "Amherst",     "Ann Arbor",
      "Ashland",    "Athens",      "Auburn",      "Augusta",   "Bangor",      "Bartow",
      "Bedford",    "Billings",    "Bismarck",    "Boise",     "Bozeman",     "Bristol",
      "Brookfield", "Burlington",  "Camden",      "Canton",    "Carson City", "Cedar Falls",
      "Chester",    "Clarksville", "Claremore",   "Clinton",   "Concord",     "Corvallis",
      "Dayton",     "Decatur",     "Dover",       "Dublin",    "Duluth",      "Durham",
      "Easton",     "Elgin",       "Elmira",      "Erie",      "Eugene",      "Fairfield",
      "Fargo",      "Flagstaff",   "Franklin",    "Fremont",   "Gainesville", "Galena",
      "Geneva",     "Glendale",    "Greenville",  "Hamilton",  "Hanover",     "Helena",
      "Hudson",     "Huntsville",  "Ithaca",      "Jackson",   "Joliet",      "Juneau",
      "Kalamazoo",  "Keene",       "Kingston",    "Lafayette", "Lansing",     "Laramie",
      "Lexington",  "Lincoln",     "Logan",       "Lowell",    "Madison",     "Marietta",
      "Medford",    "Milford",     "Missoula",    "Modesto",   "Monroe",      "Montrose",
      "Nashua",     "New Haven",   "Newport",     "Norman",    "Oakland",     "Ogden",
      "Olympia",    "Oxford",      "Paducah",     "Pasadena",  "Peoria",      "Plymouth",
      "Portland",   "Provo",       "Quincy",      "Raleigh",   "Reno",        "Richmond",
      "Roanoke",    "Rochester",   "Salem",       "Santa Fe",  "Savannah",    "Sedona",
      "Shelby",     "Spokane",     "Springfield", "Stamford",  "Tacoma",      "Tempe",
      "Toledo",     "Topeka",      "Trenton",     "Tucson",    "Tulsa",       "Utica",
      "Valdosta",   "Ventura",     "Waco",        "Warren",    "Waverly",     "Wichita",
      "Winona",     "Yakima",      "Yonkers",     "Yuma"};
  return w;
}

const Words& states() {
  static const Words w = {
      "Alabama",       "Alaska",      "Arizona",        "Arkansas",      "California",
      "Colorado",      "Connecticut", "Delaware",       "Florida",       "Georgia",
      "Hawaii",        "Idaho",       "Illinois",       "Indiana",       "Iowa",
      "Kansas",        "Kentucky",    "Louisiana",      "Maine",         "Maryland",
      "Massachusetts", "Michigan",    "Minnesota",      "Mississippi",   "Missouri",
      "Montana",       "Nebraska",    "Nevada",         "New Hampshire", "New Jersey",
      "New Mexico",    "New York",    "North Carolina", "North Dakota",  "Ohio",
      "Oklahoma",      "Oregon",      "Pennsylvania",   "Rhode Island",  "South Carolina",
      "South Dakota",  "Tennessee",   "Texas",          "Utah",          "Vermont",
      "Virginia",      "Washington",  "West Virginia",  "Wisconsin",     "Wyoming"};
  return w;
}

const Words& street_names() {
  static const Words w = {
      "Alder",     "Arlington", "Aspen",     "Bayview",    "Beacon",   "Birch",   "Bluebell",
      "Brookside", "Camellia",  "Canal",     "Cedar",      "Chestnut", "Church",  "Clover",
      "Cypress",   "Dogwood",   "Elm",       "Fairview",   "Front",    "Garden",  "Granada Hills",
      "Hawthorn",  "Hickory",   "Highland",  "Hillcrest",  "Holly",    "Juniper", "Lake",
      "Laurel",    "Linden",    "Macedonia", "Magnolia",   "Maple",    "Meadow",  "Mill",
      "Mulberry",  "Oak",       "Orchard",   "Park",       "Pine",     "Poplar",  "Prospect",
      "Ridge",     "River",     "Rose",      "Sequoia",    "Spring",   "Spruce",  "Summit",
      "Sycamore",  "Valley",    "Walnut",    "Washington", "Willow",   "Woodland"};
  return w;
}

const Words& street_suffixes() {
  static const Words w = {"Alley",  "Annex",  "Avenue",  "Bend",    "Boulevard", "Court",
                          "Drive",  "Ferry",  "Gardens", "Heights", "Lane",      "Loop",
                          "Park",   "Pass",   "Place",   "Plaza",   "Road",      "Row",
                          "Square", "Street", "Terrace", "Trail",   "Way"};
  return w;
}

// The word before an e-mail's digits, and its domains.
const Words& email_words() {
  static const Words w = {
      "acres",  "anchor",  "atlas",   "autumn",  "basin",    "beacon", "birch",   "budget",
      "canyon", "cedar",   "clips",   "comet",   "coral",    "delta",  "ember",   "falcon",
      "fern",   "forest",  "galaxy",  "garnet",  "glacier",  "harbor", "hazel",   "island",
      "jasper", "juniper", "lantern", "lark",    "lilac",    "maple",  "meadow",  "meteor",
      "mosaic", "nectar",  "nimbus",  "oasis",   "orbit",    "pebble", "pepper",  "piano",
      "pixel",  "prairie", "quartz",  "raven",   "ripple",   "river",  "saffron", "sierra",
      "sonnet", "spruce",  "summit",  "thistle", "theaters", "timber", "tundra",  "velvet",
      "violet", "walnut",  "willow",  "zephyr"};
  return w;
}

const Words& email_domains() {
  static const Words w = {"example.com", "example.org",    "gmail.com",  "yahoo.com",
                          "outlook.com", "protonmail.com", "yandex.com", "live.com"};
  return w;
}

const Words& area_codes() {
  static const Words w = {"201", "206", "209", "212", "234", "281", "305", "314", "316",
                          "412", "415", "445", "503", "512", "602", "617", "657", "702",
                          "713", "730", "737", "760", "801", "848", "856", "858", "906"};
  return w;
}

// Draws from a list without repeats until the list is used up, then afresh:
// realistic, and unique while the column is no longer than the list.
class Deck {
 public:
  Deck(const Words& words, FakeRng& rng) : words_(words), rng_(rng) {}
  std::string_view next() {
    if (order_.empty()) {
      order_.resize(words_.size());
      for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
      std::shuffle(order_.begin(), order_.end(), rng_.engine());
    }
    size_t i = order_.back();
    order_.pop_back();
    return words_[i];
  }

 private:
  const Words& words_;
  FakeRng& rng_;
  std::vector<size_t> order_;
};

std::string_view pick(const Words& w, FakeRng& rng) {
  return w[static_cast<size_t>(rng.between(0, static_cast<int64_t>(w.size()) - 1))];
}

std::string digits(FakeRng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.between(0, 9));
  return s;
}

std::tm local_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

int days_in_month(int year, int month) {
  static const std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[static_cast<size_t>(month - 1)];
}

Date random_date(int from_year, int to_year, FakeRng& rng) {
  Date d;
  d.year = static_cast<int>(rng.between(from_year, to_year));
  d.month = static_cast<int>(rng.between(1, 12));
  d.day = static_cast<int>(rng.between(1, days_in_month(d.year, d.month)));
  return d;
}

// mimesis' birthdate range, as lynguine asks for it.
Date birthdate(FakeRng& rng) {
  return random_date(1934, 2006, rng);
}

Value make_datetime(FakeRng& rng) {
  Date d = random_date(local_now().tm_year + 1900, local_now().tm_year + 1900, rng);
  DateTime t;
  t.year = d.year;
  t.month = d.month;
  t.day = d.day;
  t.hour = static_cast<int>(rng.between(0, 23));
  t.minute = static_cast<int>(rng.between(0, 59));
  t.second = static_cast<int>(rng.between(0, 59));
  t.microsecond = static_cast<int>(rng.between(0, 999999));
  return Value(t);
}

// Completed years since a birthdate, as lynguine's Generate.age computes them.
Value make_age(FakeRng& rng) {
  Date b = birthdate(rng);
  std::tm now = local_now();
  int age = now.tm_year + 1900 - b.year;
  if (std::make_pair(now.tm_mon + 1, now.tm_mday) < std::make_pair(b.month, b.day)) --age;
  return Value(static_cast<int64_t>(age));
}

Value make_phone(FakeRng& rng) {
  std::string area(pick(area_codes(), rng));
  if (rng.between(0, 1)) return Value("+1" + area + digits(rng, 7));
  return Value("+1-" + area + "-" + digits(rng, 3) + "-" + digits(rng, 4));
}

Value make_email(FakeRng& rng) {
  return Value(std::string(pick(email_words(), rng)) + std::to_string(rng.between(1900, 2100)) +
               "@" + std::string(pick(email_domains(), rng)));
}

Value make_address(FakeRng& rng) {
  return Value(std::to_string(rng.between(1, 1999)) + " " + std::string(pick(street_names(), rng)) +
               " " + std::string(pick(street_suffixes(), rng)));
}

}  // namespace

const std::vector<std::string_view>& fake_generator_names() {
  static const std::vector<std::string_view> names = {
      "givenName", "familyName", "prefix", "suffix",    "name", "city", "state",
      "address",   "email",      "date",   "birthdate", "age",  "phone"};
  return names;
}

bool is_fake_generator(std::string_view name) {
  const auto& n = fake_generator_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

const char* fake_dtype(std::string_view gen) {
  if (gen == "date") return "datetime64[ns]";
  if (gen == "age") return "int64";
  return "object";
}

std::vector<Value> fake_column(std::string_view gen, size_t rows, FakeRng& rng) {
  std::vector<Value> out;
  out.reserve(rows);
  // Names come from a deck (no repeats while it lasts); lynguine's `name`
  // is a first name, as mimesis' Person.name() is.
  const Words* deck_words = gen == "givenName" || gen == "name" ? &given_names()
                            : gen == "familyName"               ? &family_names()
                            : gen == "city"                     ? &cities()
                                                                : nullptr;
  Deck deck(deck_words ? *deck_words : given_names(), rng);
  for (size_t i = 0; i < rows; ++i) {
    if (deck_words)
      out.emplace_back(std::string(deck.next()));
    else if (gen == "prefix")
      out.emplace_back(std::string(pick(name_prefixes(), rng)));
    else if (gen == "suffix")
      out.emplace_back(std::string(pick(name_suffixes(), rng)));
    else if (gen == "state")
      out.emplace_back(std::string(pick(states(), rng)));
    else if (gen == "address")
      out.push_back(make_address(rng));
    else if (gen == "email")
      out.push_back(make_email(rng));
    else if (gen == "date")
      out.push_back(make_datetime(rng));
    else if (gen == "birthdate")
      out.emplace_back(birthdate(rng));
    else if (gen == "age")
      out.push_back(make_age(rng));
    else
      out.push_back(make_phone(rng));
  }
  return out;
}

}  // namespace lyn::access
