/*-------------------------------------------------------------------------
 * master_key.cpp
 *	  The master key file: where it is, how it is created, and the checks
 *	  before it is trusted.
 *
 * The default place is next to postgresql.conf (on Debian, in
 * /etc/postgresql/<version>/<cluster>/), outside the data directory, so a
 * base backup or a copy of the data files does not carry the key that
 * unseals the accounts in them.  The file must be private to the server's
 * OS user, as PostgreSQL demands of its SSL private key (be-secure-openssl.c):
 * any group or other permission bit makes us refuse it.
 *
 * Creation writes a temporary file (O_CREAT | O_EXCL, mode 0600), syncs it
 * and link()s it to the final name: link() never replaces a file, so two
 * backends racing to create the key end up agreeing on the first one, and
 * no backend ever reads a half-written key.
 *-------------------------------------------------------------------------
 */
#include "master_key.hpp"

extern "C" {
#include "postgres.h"

#include "access/xlog.h"
#include "miscadmin.h"
#include "utils/guc.h"
}

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/seal.hpp"
#include "guc.hpp"
#include "pg_boundary.hpp"

namespace azure_blob {

unsigned master_key_generation = 0;

namespace {

constexpr const char *kDefaultFileName = "azure_blob_master.key";

struct LoadedKey {
	std::string path;
	std::string key; /* kMasterKeyBytes raw bytes */
};

/* Allocated once and never freed (no destructor runs in exit()). */
LoadedKey *loaded = nullptr;          /* azure_blob.master_key_file */
LoadedKey *loaded_previous = nullptr; /* azure_blob.previous_master_key_file */

/* The SQLSTATE PostgreSQL gives a failed file access with this errno (errcode_for_file_access). */
const char *
FileErrorState(int err) {
	switch (err) {
	case ENOENT:
		return sqlstate::kUndefinedFile;
	case EACCES:
	case EPERM:
		return sqlstate::kInsufficientPrivilege;
	default:
		return sqlstate::kIoError;
	}
}

[[noreturn]] void
ThrowFileError(const char *what, const std::string &path, int err) {
	throw Error(FileErrorState(err),
	            std::string("could not ") + what + " master key file \"" + path + "\": " + strerror(err));
}

/* Closes a descriptor on scope exit. */
struct Fd {
	int fd;
	~Fd() {
		if (fd >= 0)
			close(fd);
	}
};

/* Writes a new random key to path, unless a file is already there. */
void
CreateKeyFile(const std::string &path) {
	unsigned char key[core::kMasterKeyBytes];
	if (!PgCall([&] { return pg_strong_random(key, sizeof(key)); }))
		throw Error(sqlstate::kInternalError, "could not generate a random master key");
	const std::string tmp = path + ".tmp." + std::to_string(getpid());
	(void) unlink(tmp.c_str()); /* left by a crashed backend that had our pid */
	{
		Fd f {open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR)};
		if (f.fd < 0) {
			int err = errno;
			explicit_bzero(key, sizeof(key));
			throw Error(FileErrorState(err), "could not create master key file \"" + path + "\": " + strerror(err), {},
			            "Set azure_blob.master_key_file to a path the server's user may write (outside the data "
			            "directory), or create the file there: 32 random bytes, mode 0600.");
		}
		size_t done = 0;
		while (done < sizeof(key)) {
			ssize_t n = write(f.fd, key + done, sizeof(key) - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int err = n < 0 ? errno : ENOSPC;
				explicit_bzero(key, sizeof(key));
				(void) unlink(tmp.c_str());
				ThrowFileError("write", path, err);
			}
			done += static_cast<size_t>(n);
		}
		explicit_bzero(key, sizeof(key));
		if (fsync(f.fd) != 0) {
			int err = errno;
			(void) unlink(tmp.c_str());
			ThrowFileError("sync", path, err);
		}
	}
	bool created = link(tmp.c_str(), path.c_str()) == 0;
	int err = errno;
	(void) unlink(tmp.c_str());
	if (!created && err != EEXIST)
		ThrowFileError("create", path, err);
	if (created) {
		/* Make the new name durable too; the key is useless if a crash loses it after it sealed something. */
		std::string dir = path.substr(0, path.rfind('/') + 1);
		Fd d {open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC)};
		if (d.fd >= 0)
			(void) fsync(d.fd);
		const char *p = path.c_str();
		PgCall([&] {
			ereport(LOG, (errmsg("azure_blob created master key file \"%s\"", p),
			              errhint("Back it up apart from the database, and copy it to every standby.")));
		});
	}
}

/* Reads and checks the key at path; false if there is no such file. */
bool
ReadKeyFile(const std::string &path, std::string &key) {
	Fd f {open(path.c_str(), O_RDONLY | O_CLOEXEC)};
	if (f.fd < 0) {
		int err = errno;
		if (err == ENOENT)
			return false;
		ThrowFileError("open", path, err);
	}
	struct stat st;
	if (fstat(f.fd, &st) != 0)
		ThrowFileError("stat", path, errno);
	if (!S_ISREG(st.st_mode))
		throw Error(sqlstate::kConfigFileError, "master key file \"" + path + "\" is not a regular file");
	if (st.st_uid != geteuid())
		throw Error(sqlstate::kConfigFileError, "master key file \"" + path + "\" is not owned by the server's user",
		            "The file must be owned by the operating system user that runs the server.");
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		throw Error(sqlstate::kConfigFileError, "master key file \"" + path + "\" has group or world access",
		            "The file must have permissions u=rw (0600) or less.", "Run chmod 600 on it.");
	if (st.st_size != static_cast<off_t>(core::kMasterKeyBytes))
		throw Error(sqlstate::kConfigFileError, "master key file \"" + path + "\" has the wrong size",
		            "It holds " + std::to_string(static_cast<long long>(st.st_size)) +
		                " bytes; a master key is exactly 32 random bytes.");
	std::string buf(core::kMasterKeyBytes, '\0');
	size_t done = 0;
	while (done < buf.size()) {
		ssize_t n = read(f.fd, buf.data() + done, buf.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			explicit_bzero(buf.data(), buf.size());
			ThrowFileError("read", path, err);
		}
		done += static_cast<size_t>(n);
	}
	key.swap(buf);
	return true;
}

/* Keeps key (read from path) in slot, wiping what the slot held. */
const std::string &
Keep(LoadedKey *&slot, std::string path, std::string &key) {
	if (slot == nullptr)
		slot = new LoadedKey();
	explicit_bzero(slot->key.data(), slot->key.size());
	slot->path = std::move(path);
	slot->key.swap(key);
	return slot->key;
}

} // namespace

std::string
MasterKeyPath() {
	if (guc_master_key_file != nullptr && guc_master_key_file[0] != '\0')
		return guc_master_key_file;
	/* ConfigFileName is absolute (SelectConfigFiles makes it so). */
	const char *conf = ConfigFileName;
	if (conf == nullptr || strchr(conf, '/') == nullptr)
		throw Error(sqlstate::kObjectNotInPrerequisiteState, "cannot find a place for the master key file",
		            "The server's config_file is not known.", "Set azure_blob.master_key_file.");
	std::string path(conf);
	path.resize(path.rfind('/') + 1);
	return path + kDefaultFileName;
}

const std::string &
MasterKey() {
	std::string path = MasterKeyPath();
	if (loaded != nullptr && loaded->path == path)
		return loaded->key;
	std::string key;
	/* Two rounds: after creating it (or losing the race to another backend) the file is there. */
	for (int round = 0; round < 2 && key.empty(); round++) {
		if (ReadKeyFile(path, key))
			break;
		if (round == 1 || PgCall([] { return RecoveryInProgress(); }))
			throw Error(sqlstate::kUndefinedFile, "master key file \"" + path + "\" does not exist",
			            "A standby cannot make its own master key: it must use the primary's, which sealed the "
			            "keys it replicates.",
			            "Copy the primary's master key file there (owned by the server's user, mode 0600), or "
			            "set azure_blob.master_key_file to its path.");
		CreateKeyFile(path);
	}
	return Keep(loaded, std::move(path), key);
}

const std::string *
PreviousMasterKey() {
	if (guc_previous_master_key_file == nullptr || guc_previous_master_key_file[0] == '\0')
		return nullptr;
	std::string path(guc_previous_master_key_file);
	if (loaded_previous != nullptr && loaded_previous->path == path)
		return &loaded_previous->key;
	std::string key;
	if (!ReadKeyFile(path, key))
		throw Error(sqlstate::kUndefinedFile, "previous master key file \"" + path + "\" does not exist", {},
		            "Set azure_blob.previous_master_key_file to the key file that sealed the values, or empty it.");
	return &Keep(loaded_previous, std::move(path), key);
}

} // namespace azure_blob
