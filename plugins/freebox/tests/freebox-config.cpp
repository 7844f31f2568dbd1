/* SPDX-License-Identifier: GPL-2.0-or-later */
/* <Box> options, their resolution into poller settings, the credentials file and the built-in roots. */
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lib/box_config.h"
#include "lib/credentials.h"
#include "lib/root_cas.h"
#include "lib/text_rules.h"
#include "test_files.h"

using namespace fbcqm::freebox;

namespace {

ConfigOption option(const std::string &key, std::vector<ConfigValue> values, std::vector<ConfigOption> children = {}) {
  return ConfigOption{key, values, children};
}
ConfigValue str(const std::string &s) { return ConfigValue::ofString(s); }
ConfigValue num(double n) { return ConfigValue::ofNumber(n); }
ConfigValue boolean(bool b) { return ConfigValue::ofBoolean(b); }

std::vector<ConfigOption> inlineCredentials() {
  return {option("AppId", {str("fr.freebox-cqm.test")}), option("AppToken", {str("secret-token")})};
}

bool mentions(const std::vector<std::string> &errors, const std::string &needle) {
  for (const auto &error : errors)
    if (error.find(needle) != std::string::npos)
      return true;
  return false;
}

/* A scratch directory removed at the end of the test. */
struct ScratchDir {
  ScratchDir() {
    char pattern[] = "/tmp/freebox-config-XXXXXX";
    const char *made = mkdtemp(pattern);
    if (!made)
      throw std::runtime_error("mkdtemp failed");
    path = made;
  }
  ~ScratchDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string path;
};

mode_t modeOf(const std::string &path) {
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

void writeFile(const std::string &path, const std::string &text, mode_t mode) {
  std::ofstream(path) << text;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

} // namespace

TEST_CASE("a minimal box takes the defaults", "[config]") {
  auto config = parseBoxConfig("home", inlineCredentials());
  REQUIRE(config.ok());
  CHECK(config->url.empty());
  CHECK(config->verifyPeer);
  CHECK(config->intervalSeconds == 0);
  CHECK(config->collect.describe() == "connection line lte system switch ports wifi lan storage");

  auto settings = resolveBox(config.value(), 10);
  REQUIRE(settings.ok());
  CHECK(settings->rootUrl == "http://mafreebox.freebox.fr");
  CHECK(settings->http.caPem == freeboxRootCasPem());
  CHECK(settings->http.caFile.empty());
  CHECK(settings->timeoutSeconds == Approx(8.0)); /* 80 % of 10 s */
  CHECK(settings->http.totalTimeout.count() == 8000);
  CHECK(resolveBox(config.value(), 60)->timeoutSeconds == Approx(10.0)); /* at most 10 s */
  CHECK(resolveBox(config.value(), 0.1)->timeoutSeconds == Approx(0.2));
}

TEST_CASE("every option is read, keys case-insensitively", "[config]") {
  auto options = inlineCredentials();
  options.push_back(option("url", {str("https://box.example:3615/")}));
  options.push_back(option("CACertificate", {str("/etc/hostname")}));
  options.push_back(option("VerifyPeer", {boolean(false)}));
  options.push_back(option("Interval", {num(30)}));
  options.push_back(option("Timeout", {num(2.5)}));
  options.push_back(option("Collect", {str("System"), str("ports")}));
  options.push_back(option("Collect", {str("line")}));
  auto config = parseBoxConfig("box.1", options);
  REQUIRE(config.ok());
  CHECK(config->url == "https://box.example:3615");
  CHECK_FALSE(config->verifyPeer);
  CHECK(config->intervalSeconds == 30);
  CHECK(config->collect.describe() == "line system ports");

  auto settings = resolveBox(config.value(), 10);
  REQUIRE(settings.ok());
  CHECK(settings->http.caFile == "/etc/hostname");
  CHECK(settings->http.caPem.empty());
  CHECK_FALSE(settings->http.verifyPeer);
  CHECK(settings->timeoutSeconds == 2.5);
  CHECK(settings->appToken == "secret-token");
}

TEST_CASE("booleans are read as collectd reads them: unquoted, or quoted true/yes/on/false/no/off", "[config]") {
  struct Case {
    ConfigValue value;
    std::optional<bool> expected;
  };
  const Case cases[] = {
      {boolean(true), true},        {boolean(false), false}, {str("true"), true},
      {str("YES"), true},           {str("On"), true},       {str("false"), false},
      {str("no"), false},           {str("OFF"), false},     {str("maybe"), std::nullopt},
      {str("1"), std::nullopt},     {str(""), std::nullopt}, {num(1), std::nullopt},
      {str(" true"), std::nullopt},
  };
  for (const Case &c : cases) {
    INFO(c.value.string << " / " << c.value.number);
    CHECK(collectdBoolean(c.value) == c.expected);
    auto config = parseBoxConfig(
        "a", {option("AppId", {str("x")}), option("AppToken", {str("y")}), option("VerifyPeer", {c.value})});
    CHECK(config.ok() == c.expected.has_value());
    if (config.ok())
      CHECK(config.value().verifyPeer == *c.expected);
  }
}

TEST_CASE("<Collect> blocks give groups their own interval", "[config]") {
  const std::vector<ConfigOption> credentials = {option("AppId", {str("x")}), option("AppToken", {str("y")})};
  auto with = [&](std::vector<ConfigOption> more) {
    more.insert(more.begin(), credentials.begin(), credentials.end());
    return parseBoxConfig("a", more);
  };
  auto config = with({option("Collect", {str("connection"), str("line")}),
                      option("Collect", {str("system"), str("LAN")}, {option("Interval", {num(300)})})});
  REQUIRE(config.ok());
  CHECK(config.value().collect.describe() == "connection line system lan");
  CHECK(config.value().groupIntervals[static_cast<std::size_t>(Group::System)] == 300);
  CHECK(config.value().groupIntervals[static_cast<std::size_t>(Group::Lan)] == 300);
  CHECK(config.value().groupIntervals[static_cast<std::size_t>(Group::Connection)] == 0);
  CHECK(describeGroups(config.value().collect, config.value().groupIntervals) ==
        "connection line system(every 300 s) lan(every 300 s)");

  CHECK(mentions(with({option("Collect", {str("system")}, {option("Interval", {num(-1)})})}).error(),
                 "option Interval must be between 0 and 86400"));
  CHECK(mentions(with({option("Collect", {str("system")}, {option("Every", {num(5)})})}).error(),
                 "unknown option Every in <Collect> (only Interval)"));
  CHECK(mentions(with({option("Timeout", {num(5)}, {option("Interval", {num(5)})})}).error(),
                 "option Timeout does not take a block"));
}

TEST_CASE("invalid blocks report every problem, never the token", "[config]") {
  std::vector<ConfigOption> options = {
      option("URL", {num(1)}),
      option("AppId", {str("bad id!")}),
      option("AppToken", {str("has space secret")}),
      option("Interval", {num(-1)}),
      option("Timeout", {num(10000)}),
      option("VerifyPeer", {str("maybe")}),
      option("Collect", {str("system"), str("rrd")}),
      option("Colour", {str("blue")}),
  };
  auto config = parseBoxConfig("bad name", options);
  REQUIRE_FALSE(config.ok());
  const auto &errors = config.error();
  CHECK(mentions(errors, "box name must be"));
  CHECK(mentions(errors, "option URL needs exactly one string argument"));
  CHECK(mentions(errors, "option AppId must be"));
  CHECK(mentions(errors, "option AppToken is not a valid app token"));
  CHECK(mentions(errors, "option Interval must be between 0 and 86400"));
  CHECK(mentions(errors, "option Timeout must be between 0 and 600"));
  CHECK(mentions(errors, "option VerifyPeer needs exactly one boolean argument (true, false, yes, no, on or off)"));
  CHECK(mentions(errors, "unknown group \"rrd\" (known: connection, line, lte"));
  CHECK(mentions(errors, "unknown option Colour"));
  CHECK_FALSE(mentions(errors, "secret"));

  CHECK(mentions(parseBoxConfig("a", {}).error(), "no credentials"));
  CHECK(mentions(parseBoxConfig("a", {option("AppId", {str("x")})}).error(), "AppId and AppToken go together"));
  auto both = inlineCredentials();
  both.push_back(option("CredentialsFile", {str("/x")}));
  CHECK(mentions(parseBoxConfig("a", both).error(), "not both"));
  auto badUrl = inlineCredentials();
  badUrl.push_back(option("URL", {str("http://user:pw@box/")}));
  CHECK(mentions(parseBoxConfig("a", badUrl).error(), "must not embed credentials"));
}

TEST_CASE("resolving a box reads its credentials file and checks its CA file", "[config]") {
  ScratchDir dir;
  const std::string file = dir.path + "/home.json";
  writeFile(file, R"({"app_id":"fr.freebox-cqm.test","app_token":"tok-123","base_url":"https://127.0.0.1:8443/"})",
            0600);
  auto config = parseBoxConfig("home", {option("CredentialsFile", {str(file)})});
  REQUIRE(config.ok());
  auto settings = resolveBox(config.value(), 10);
  REQUIRE(settings.ok());
  CHECK(settings->appId == "fr.freebox-cqm.test");
  CHECK(settings->appToken == "tok-123");
  CHECK(settings->rootUrl == "https://127.0.0.1:8443"); /* from the file */
  CHECK(settings->warnings.empty());

  auto withUrl = parseBoxConfig("home", {option("CredentialsFile", {str(file)}), option("URL", {str("http://b")})});
  CHECK(resolveBox(withUrl.value(), 10)->rootUrl == "http://b"); /* the option wins */

  REQUIRE(chmod(file.c_str(), 0644) == 0);
  auto open = resolveBox(config.value(), 10);
  REQUIRE(open.ok());
  REQUIRE(open->warnings.size() == 1);
  CHECK(open->warnings[0].find("readable by other users") != std::string::npos);

  auto missingCa = parseBoxConfig(
      "home", {option("CredentialsFile", {str(file)}), option("CACertificate", {str(dir.path + "/none.pem")})});
  auto failed = resolveBox(missingCa.value(), 10);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().find("cannot read CACertificate") != std::string::npos);
}

TEST_CASE("credentials file: atomic 0600 write, directories 0700, round trip", "[credentials]") {
  ScratchDir dir;
  const std::string path = dir.path + "/a/b/box.json";
  Credentials c;
  c.appId = "fr.freebox-cqm.collectd";
  c.appToken = "abcdEFGH0123456789+/abcdEFGH0123456789+/abcdEFGH0123456789+/abc=";
  c.boxUid = "23b86ec8091013d668829fe12791fdab";
  c.apiDomain = "example.fbxos.fr";
  c.httpsPort = 3615;
  c.boxModel = "fbxgw7-r1/full";
  c.boxModelName = "Freebox v7 (r1) \"quoted\"";
  c.apiVersion = "16.0";
  c.baseUrl = "http://mafreebox.freebox.fr";
  REQUIRE(saveCredentials(path, c).ok());
  CHECK(modeOf(path) == 0600);
  CHECK(modeOf(dir.path + "/a") == 0700);
  CHECK(modeOf(dir.path + "/a/b") == 0700);

  auto loaded = loadCredentials(path);
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->readableByOthers);
  const Credentials &back = loaded->credentials;
  CHECK(back.appId == c.appId);
  CHECK(back.appToken == c.appToken);
  CHECK(back.boxUid == c.boxUid);
  CHECK(back.apiDomain == c.apiDomain);
  CHECK(back.httpsPort == 3615);
  CHECK(back.boxModelName == c.boxModelName);
  CHECK(back.apiVersion == "16.0");
  CHECK(back.baseUrl == c.baseUrl);

  /* Replacing: same result, still 0600, no temporary file left. */
  writeFile(path, "old content", 0644);
  REQUIRE(saveCredentials(path, c).ok());
  CHECK(modeOf(path) == 0600);
  CHECK(loadCredentials(path).ok());
  CHECK(std::system(("test $(ls -A '" + dir.path + "/a/b' | wc -l) -eq 1").c_str()) == 0);
}

TEST_CASE("credentials file errors are clear and leave nothing behind", "[credentials]") {
  ScratchDir dir;
  const std::string blocker = dir.path + "/file";
  writeFile(blocker, "x", 0600);
  auto blocked = saveCredentials(blocker + "/box.json", Credentials{});
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().find("is not a directory") != std::string::npos);
  CHECK(checkWritable(dir.path).error().find("name is empty") == std::string::npos);

  CHECK(loadCredentials(dir.path + "/missing.json").error().find("No such file") != std::string::npos);
  CHECK(loadCredentials(dir.path).error().find("not a regular file") != std::string::npos);
  writeFile(dir.path + "/big.json", std::string(70 * 1024, ' '), 0600);
  CHECK(loadCredentials(dir.path + "/big.json").error().find("larger than 64 KiB") != std::string::npos);
  writeFile(dir.path + "/bad.json", "{\"app_id\":", 0600);
  CHECK(loadCredentials(dir.path + "/bad.json").error().find("malformed JSON") != std::string::npos);
  writeFile(dir.path + "/notoken.json", R"({"app_id":"x"})", 0600);
  CHECK(loadCredentials(dir.path + "/notoken.json").error().find("app_token") != std::string::npos);
  writeFile(dir.path + "/badid.json", R"({"app_id":"a b","app_token":"t"})", 0600);
  CHECK(loadCredentials(dir.path + "/badid.json").error().find("app_id") != std::string::npos);
}

TEST_CASE("one set of character rules for names, ids and tokens", "[config][rules]") {
  /* Box names and app ids: letters, digits, '_', '.', '-'; only the length differs. */
  CHECK(validBoxName("home-2.fibre_x"));
  CHECK(validAppId("fr.freebox-cqm.collectd_1"));
  for (const char *bad : {"", "a b", "a/b", "caf\xC3\xA9", "a\nb", "a:b"}) {
    CAPTURE(bad);
    CHECK_FALSE(validBoxName(bad));
    CHECK_FALSE(validAppId(bad));
  }
  CHECK(validBoxName(std::string(63, 'b')));
  CHECK_FALSE(validBoxName(std::string(64, 'b')));
  CHECK(validAppId(std::string(128, 'a')));
  CHECK_FALSE(validAppId(std::string(129, 'a')));
  /* Tokens: visible ASCII. */
  CHECK(validAppToken("dGVzdC10b2tlbg==+/"));
  CHECK(isToken("a!~", 3));
  CHECK_FALSE(isToken("abcd", 3));
  for (const char *bad : {"", "a b", "a\tb", "a\x7f", "\xC3\xA9"}) {
    CAPTURE(bad);
    CHECK_FALSE(validAppToken(bad));
  }
  /* Decimal text: digits only, bounded. */
  CHECK(parseDigits("65535", 5) == 65535u);
  CHECK(parseDigits("007", 3) == 7u);
  CHECK(parseDigits("18446744073709551615", 20) == 18446744073709551615u);
  for (const char *bad : {"", "-1", "+1", " 1", "1 ", "1.5", "0x10", "123456", "18446744073709551616"}) {
    CAPTURE(bad);
    CHECK_FALSE(parseDigits(bad, bad[0] == '1' && bad[1] == '8' ? 20 : 5));
  }
}

TEST_CASE("tokens are masked for display", "[credentials]") {
  const std::string token = "dGVzdC10b2tlbi1mb3ItZnJlZWJveC1jcW0taW50ZWdyYXRpb24tdGVzdHMtMDEx";
  const std::string masked = maskToken(token);
  CHECK(masked == "dGVz************ (64 characters)");
  CHECK(masked.find(token.substr(4, 8)) == std::string::npos);
  CHECK(maskToken("short") == "***** (5 characters)");
}

TEST_CASE("the built-in trust store is the four Freebox and Iliadbox roots", "[tls]") {
  std::string expected;
  for (const char *name :
       {"freebox-ecc-root-ca.pem", "freebox-root-ca.pem", "iliadbox-ecc-root-ca.pem", "iliadbox-rsa-root-ca.pem"})
    expected += fbcqm::test::readFile(std::string(FREEBOX_SOURCE_DIR) + "/ca/" + name);
  CHECK(freeboxRootCasPem() == expected);
  std::size_t certificates = 0;
  for (auto at = freeboxRootCasPem().find("BEGIN CERTIFICATE"); at != std::string::npos;
       at = freeboxRootCasPem().find("BEGIN CERTIFICATE", at + 1))
    ++certificates;
  CHECK(certificates == 4);
}

namespace {

/* SHA-256 fingerprints of every certificate in a PEM bundle, as "AB:CD:...". */
std::vector<std::string> fingerprints(const std::string &pem) {
  std::vector<std::string> out;
  BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509 *certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    X509_digest(certificate, EVP_sha256(), digest, &length);
    std::string hex;
    char byte[4];
    for (unsigned int i = 0; i < length; ++i) {
      std::snprintf(byte, sizeof byte, i ? ":%02X" : "%02X", digest[i]);
      hex += byte;
    }
    out.push_back(hex);
    X509_free(certificate);
  }
  BIO_free(bio);
  return out;
}

} // namespace

TEST_CASE("the built-in roots are the published Freebox and Iliadbox root CAs", "[tls]") {
  /* Fingerprints as published (by Free, for the Freebox and Iliadbox roots), not computed from our own files. */
  CHECK(fingerprints(freeboxRootCasPem()) ==
        std::vector<std::string>{
            "23:CF:B7:26:36:BE:66:5D:BB:F2:FE:3E:05:27:90:47:71:A8:DF:F1:BA:CE:46:1D:8B:D6:9F:34:81:2C:24:44",
            "2B:D8:B5:BE:1A:99:0E:42:AD:1B:D7:9C:30:6E:B5:19:B6:37:EE:24:75:C0:D9:31:F2:57:53:56:10:E9:C3:E7",
            "A2:10:B1:DE:83:57:92:7F:13:3C:F5:17:BB:63:AC:99:FC:EA:79:97:5B:E5:12:62:BA:C9:DE:0E:A8:74:EB:DE",
            "74:F7:95:BB:D0:2F:1C:F0:45:14:22:A3:C6:EE:72:26:B2:D3:F7:DD:1E:B5:FC:BA:8B:E5:C2:1B:A5:29:A8:F7"});
}
