/*-------------------------------------------------------------------------
 * hmac.hpp
 *	  HMAC-SHA256 with the key state prepared once (OpenSSL SHA-256).
 *-------------------------------------------------------------------------
 */
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace azure_blob::core {

inline constexpr size_t kSignatureBase64Len = 44;

class HmacSha256 {
public:
	/* key holds raw key bytes (already Base64-decoded). Throws Error on OpenSSL failure. */
	explicit HmacSha256(std::string_view key);
	/* Builds from a Base64 account key; throws Error(22023) if it does not decode. */
	static HmacSha256 FromBase64(std::string_view key_b64);

	HmacSha256(HmacSha256 &&) noexcept;
	HmacSha256 &operator=(HmacSha256 &&) noexcept;
	~HmacSha256();

	/* Raw 32-byte MAC of message. */
	void Sign(std::string_view message, unsigned char out[32]) const;
	/* Raw 32-byte MAC of the concatenation of parts (no copy into one buffer). */
	void Sign(std::initializer_list<std::string_view> parts, unsigned char out[32]) const;
	/* Base64 of the MAC (44 characters), appended to out. */
	void AppendSignatureBase64(std::string &out, std::string_view message) const;
	std::string SignBase64(std::string_view message) const;

private:
	struct State; /* the SHA-256 states after the inner and outer key pads */
	std::unique_ptr<State> state_;
};

} // namespace azure_blob::core
