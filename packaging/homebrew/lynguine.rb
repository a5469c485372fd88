# Homebrew formula for lynguine (the native server and lamd tools).
# Written to the Formula Cookbook (docs.brew.sh/Formula-Cookbook); it cannot
# be run on the Linux machine the project is developed on, so it is checked
# by .github/workflows/macos.yml's `brew install --build-from-source` step.
#
# Until the project publishes release tarballs this is a HEAD-only formula for
# a tap: `brew install --HEAD ./packaging/homebrew/lynguine.rb`. A release adds
# `url` (the tarball) and `sha256` above `head`.
class Lynguine < Formula
  desc "Native lynguine data access, its HTTP server and lamd's tools"
  homepage "https://github.com/lawrennd/lynguine"
  head "https://github.com/lawrennd/lynguine-cpp.git", branch: "main"

  depends_on "cli11" => :build
  depends_on "cmake" => :build
  depends_on "boost"
  depends_on "libyaml"
  depends_on "openssl@3"
  depends_on "pugixml"

  uses_from_macos "zlib"

  def install
    # A fully static binary is a Linux option (macOS cannot link -static);
    # tests and benchmarks are not installed.
    args = %W[
      -DLYNGUINE_STATIC=OFF
      -DLYNGUINE_TESTS=OFF
      -DLYNGUINE_BENCH=OFF
      -DOPENSSL_ROOT_DIR=#{Formula["openssl@3"].opt_prefix}
    ]
    system "cmake", "-S", ".", "-B", "build", *args, *std_cmake_args
    system "cmake", "--build", "build", "--target", "lynguine"
    system "cmake", "--install", "build"
  end

  test do
    assert_match "lynguine", shell_output("#{bin}/lynguine --version")

    # A real read: a small CSV, its columns typed as pandas would type them.
    (testpath/"people.csv").write <<~CSV
      name,age
      Ada,36
      Alan,41
    CSV
    output = shell_output("#{bin}/lynguine read --source '{\"type\":\"csv\",\"filename\":\"people.csv\"}'")
    assert_match '"records": [{"name": "Ada", "age": 36}, {"name": "Alan", "age": 41}]', output
    assert_match '"dtypes": {"name": "object", "age": "int64"}', output
    assert_equal "name,age\nAda,36\nAlan,41\n",
                 shell_output("#{bin}/lynguine read --source '{\"type\":\"csv\",\"filename\":\"people.csv\"}' " \
                              "--format csv")
  end
end
