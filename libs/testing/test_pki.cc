#include "libs/testing/test_pki.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace coalition::testing {

absl::StatusOr<TestPki> TestPki::Create() {
  absl::StatusOr<TempDir> dir = TempDir::Create("coalition-pki");
  if (!dir.ok()) return dir.status();
  TestPki pki(*std::move(dir));
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string script = absl::StrCat(
      "set -e; cd ", pki.dir_.path(), "\n", "ca() { openssl req -x509 ", key,
      " -keyout $1.key -out $1.pem -days 1 -subj /CN=$1",
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign; }\n",
      "leaf() { openssl req ", key, " -keyout $1.key -out $1.csr -subj /CN=$1;",
      " printf '%s\\n' \"$3\" > $1.ext;",
      " openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 1",
      " -out $1.pem -extfile $1.ext; }\n", "ca ca; ca rogue_ca\n",
      "leaf server ca 'subjectAltName=DNS:localhost,IP:127.0.0.1'\n",
      "leaf client ca 'extendedKeyUsage=clientAuth'\n",
      "leaf rogue_client rogue_ca 'extendedKeyUsage=clientAuth'\n");
  const std::string command = absl::StrCat("sh -c '", absl::StrReplaceAll(script, {{"'", "'\\''"}}),
                                           "' > ", pki.Path("openssl.log"), " 2>&1");
  if (std::system(command.c_str()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("openssl could not make the test certificates: ", pki.Read("openssl.log")));
  }
  return pki;
}

absl::StatusOr<const TestPki*> TestPki::Shared() {
  static const absl::StatusOr<TestPki>* const shared = new absl::StatusOr<TestPki>(Create());
  if (!shared->ok()) return shared->status();
  return &**shared;
}

std::string TestPki::Read(const std::string& file) const {
  std::ifstream in(Path(file), std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace coalition::testing
