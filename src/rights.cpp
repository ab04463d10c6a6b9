/*-------------------------------------------------------------------------
 * rights.cpp
 *	  Per-database rights: azure_blob.grants, azure_grant(), azure_revoke().
 *
 * azure_blob.grants holds (role, level) rows, level 'admin' or 'user'.  A
 * role has a level here if it has the privileges of a role granted that
 * level (so granting a group role works) and is a member of the matching
 * cluster role.  The table is found by OID through the extension's
 * membership, read by a direct heap scan (no SQL, nothing a caller can
 * redirect), and written only by the C functions below, as the extension
 * owner.
 *-------------------------------------------------------------------------
 */
#include "rights.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

#include <cstring>

#include "accounts.hpp"
#include "extension_objects.hpp"

namespace azure_blob {

namespace {

/*
 * The last decision, for one user, kept until something it depends on
 * changes: azure_blob.grants (its statement trigger sends a relcache
 * invalidation at commit, and locally after each command and at abort),
 * role memberships or role attributes (syscache invalidations of
 * pg_auth_members and pg_authid).  Before 1.1's SQL objects exist nothing
 * is kept.  Measured: deciding anew on every statement cost 25-30 % of the
 * tps of a one-statement azure_generate_upload_sas request (pgbench, 8
 * clients), keeping it costs nothing measurable.
 */
struct RightCache {
	bool valid;
	Oid user;
	Right right;
};
RightCache right_cache = {false, InvalidOid, Right::kNone};
/* Bumped by every invalidation above: a decision during which one arrived is not kept. */
uint64 rights_generation = 0;

/* Syscache callback of pg_auth_members and pg_authid: memberships or role attributes changed. */
void
RolesChanged(Datum, int, uint32) {
	right_cache.valid = false;
	rights_generation++;
}

/*
 * OID of azure_blob.grants, remembered once found (looking it up scans the
 * extension's members); forgotten when its relcache entry is invalidated,
 * as DROP EXTENSION does.  Not remembered while absent (1.0 SQL objects).
 */
Oid grants_relid = InvalidOid;

void
GrantsInvalidated(Datum, Oid relid) {
	if (relid == InvalidOid || relid == grants_relid) {
		grants_relid = InvalidOid;
		right_cache.valid = false;
		rights_generation++;
	}
}

/* azure_blob.grants, or InvalidOid while the database has 1.0's SQL objects. */
Oid
FindGrantsRelation() {
	if (!OidIsValid(grants_relid))
		grants_relid = ExtensionRelation("grants");
	return grants_relid;
}

Oid
GrantsRelation() {
	Oid relid = FindGrantsRelation();
	if (!OidIsValid(relid))
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("extension \"azure_blob\" must be updated before it can be used"),
		                errdetail("The installed SQL objects are older than the loaded library."),
		                errhint("Run ALTER EXTENSION azure_blob UPDATE.")));
	return relid;
}

/*
 * Rights while the database still runs the 1.0 SQL objects with this
 * library (between installing the package and ALTER EXTENSION UPDATE): as
 * 1.0 gave them, by cluster role membership, so apps keep working until the
 * update, which is what closes the gap (README, "Upgrading to 1.1").
 */
Right
LegacyRight(Oid user) {
	Oid admin_role = get_role_oid("azure_blob_admin", true);
	Oid user_role = get_role_oid("azure_blob_user", true);
	if (OidIsValid(admin_role) && has_privs_of_role(user, admin_role))
		return Right::kAdmin;
	if (OidIsValid(user_role) && has_privs_of_role(user, user_role))
		return Right::kUser;
	return Right::kNone;
}

/*
 * The highest level azure_blob.grants (open as rel) gives to roles for which
 * matches(role) holds; latest snapshot, so a grant made earlier in this
 * transaction counts.
 */
template <typename Matches>
Right
GrantedLevel(Relation rel, Matches matches) {
	TupleDesc desc = RelationGetDescr(rel);
	Right granted = Right::kNone;
	Snapshot snap = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snap, 0, nullptr);
	HeapTuple tup;
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
		bool role_null, level_null;
		Datum role = heap_getattr(tup, 1, desc, &role_null);
		Datum level = heap_getattr(tup, 2, desc, &level_null);
		if (role_null || level_null || !matches(DatumGetObjectId(role)))
			continue;
		char *l = TextDatumGetCString(level);
		Right r = strcmp(l, "admin") == 0 ? Right::kAdmin : strcmp(l, "user") == 0 ? Right::kUser : Right::kNone;
		if (r > granted)
			granted = r;
	}
	table_endscan(scan);
	UnregisterSnapshot(snap);
	return granted;
}

Right
ComputeRight(Oid user) {
	if (superuser_arg(user))
		return Right::kAdmin;
	const Oid grants = FindGrantsRelation();
	if (!OidIsValid(grants))
		return LegacyRight(user);
	Relation rel = table_open(grants, AccessShareLock);
	/* The extension owner owns its tables. */
	if (rel->rd_rel->relowner == user) {
		table_close(rel, AccessShareLock);
		return Right::kAdmin;
	}
	Right granted = GrantedLevel(rel, [&](Oid role) { return has_privs_of_role(user, role); });
	table_close(rel, AccessShareLock);

	/* The cluster roles give EXECUTE; the grant says in which database. Both are needed. */
	Oid admin_role = get_role_oid("azure_blob_admin", true);
	Oid user_role = get_role_oid("azure_blob_user", true);
	if (granted == Right::kAdmin && !(OidIsValid(admin_role) && has_privs_of_role(user, admin_role)))
		granted = Right::kUser;
	if (granted >= Right::kUser && !(OidIsValid(user_role) && has_privs_of_role(user, user_role)))
		granted = Right::kNone;
	return granted;
}

const char *
LevelName(Right r) {
	return r == Right::kAdmin ? "admin" : "user";
}

/* The level argument of azure_grant(): 'admin' or 'user'. */
Right
LevelArg(FunctionCallInfo fcinfo, int n) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("level must not be null")));
	char *level = text_to_cstring(PG_GETARG_TEXT_PP(n));
	if (strcmp(level, "admin") == 0)
		return Right::kAdmin;
	if (strcmp(level, "user") == 0)
		return Right::kUser;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid azure_blob level \"%s\"", level),
	                errhint("The levels are 'admin' and 'user'.")));
	pg_unreachable();
}

Oid
RoleArg(FunctionCallInfo fcinfo, int n) {
	if (PG_ARGISNULL(n))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("role must not be null")));
	Oid role = PG_GETARG_OID(n);
	if (!OidIsValid(role) || GetUserNameFromId(role, true) == nullptr)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("role with OID %u does not exist", role)));
	return role;
}

/* The extension owner: the owner of its tables. */
Oid
GrantsOwner() {
	HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(GrantsRelation()));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for azure_blob.grants");
	Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Superusers and the extension owner (who need not be superuser) manage the admin level. */
bool
ManagesAdmins() {
	return superuser() || GrantsOwner() == GetUserId();
}

/* Those who manage admins grant and revoke any level; admins of this database only 'user'. */
void
CheckMayManage(Right level, const char *verb) {
	if (ManagesAdmins() || (level == Right::kUser && CurrentRight() == Right::kAdmin))
		return;
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("permission denied to %s azure_blob level \"%s\"", verb, LevelName(level)),
	         level == Right::kAdmin ? errdetail("Only superusers manage the admin level.")
	                                : errdetail("Only superusers and admins of this database manage the user level.")));
}

} // namespace

void
InitRights() {
	CacheRegisterRelcacheCallback(GrantsInvalidated, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, RolesChanged, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, RolesChanged, (Datum) 0);
}

Right
CurrentRight() {
	const Oid user = GetUserId();
	RightCache &c = right_cache;
	if (!c.valid || c.user != user) {
		c.valid = false;
		const uint64 generation = rights_generation;
		c.right = ComputeRight(user);
		c.user = user;
		/* Kept only where the grants table's invalidations will reach us, and none came meanwhile. */
		c.valid = OidIsValid(grants_relid) && generation == rights_generation;
	}
	return c.right;
}

void
RequireRight(Right need) {
	if (CurrentRight() >= need)
		return;
	const char *role = GetUserNameFromId(GetUserId(), false);
	ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	                errmsg("permission denied for azure_blob in database \"%s\"", get_database_name(MyDatabaseId)),
	                errdetail("Role \"%s\" has no %s rights in this database.", role, LevelName(need)),
	                errhint("A superuser grants them with SELECT azure_grant('%s', '%s'); in this database.", role,
	                        LevelName(need))));
}

} // namespace azure_blob

using namespace azure_blob;

extern "C" {

PG_FUNCTION_INFO_V1(azure_grant);
/* azure_grant(role, level): gives role the level in this database (replacing its previous level). */
Datum
azure_grant(PG_FUNCTION_ARGS) {
	Oid role = RoleArg(fcinfo, 0);
	Right level = LevelArg(fcinfo, 1);
	CheckMayManage(level, "grant");
	const Oid owner = GrantsOwner();
	/* Those who manage the admin level may also lower an admin to 'user'. */
	const bool manages_admins = ManagesAdmins();
	Oid types[3] = {OIDOID, TEXTOID, BOOLOID};
	Datum values[3] = {ObjectIdGetDatum(role), CStringGetTextDatum(LevelName(level)), BoolGetDatum(manages_admins)};
	/* An admin may not lower another admin to 'user' through a grant. */
	uint64 n =
	    ExecuteAsOwner(owner,
	                   "INSERT INTO azure_blob.grants (role, level) VALUES ($1, $2) ON CONFLICT (role) DO UPDATE "
	                   "SET level = EXCLUDED.level WHERE $3 OR azure_blob.grants.level OPERATOR(pg_catalog.=) 'user' "
	                   "OR EXCLUDED.level OPERATOR(pg_catalog.=) 'admin'",
	                   3, types, values, nullptr);
	right_cache.valid = false;
	if (n == 0 && level == Right::kUser && !manages_admins)
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		                errmsg("permission denied to change the azure_blob level of an admin"),
		                errdetail("Only superusers manage the admin level.")));
	Oid cluster_role = get_role_oid(level == Right::kAdmin ? "azure_blob_admin" : "azure_blob_user", true);
	if (!OidIsValid(cluster_role) || !has_privs_of_role(role, cluster_role))
		ereport(NOTICE, (errmsg("role \"%s\" is not a member of %s", GetUserNameFromId(role, false),
		                        level == Right::kAdmin ? "azure_blob_admin" : "azure_blob_user"),
		                 errdetail("The grant takes effect once it is."),
		                 errhint("GRANT %s TO %s;", level == Right::kAdmin ? "azure_blob_admin" : "azure_blob_user",
		                         quote_identifier(GetUserNameFromId(role, false)))));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(azure_revoke);
/* azure_revoke(role): removes the role's grant in this database; false if it had none. */
Datum
azure_revoke(PG_FUNCTION_ARGS) {
	Oid role = RoleArg(fcinfo, 0);
	const Oid owner = GrantsOwner();
	Relation rel = table_open(GrantsRelation(), AccessShareLock);
	/* The level it has decides who may revoke it. */
	const Right current = GrantedLevel(rel, [&](Oid r) { return r == role; });
	table_close(rel, AccessShareLock);
	if (current == Right::kNone) {
		CheckMayManage(Right::kUser, "revoke");
		PG_RETURN_BOOL(false);
	}
	CheckMayManage(current, "revoke");
	Oid types[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(role)};
	uint64 n = ExecuteAsOwner(owner, "DELETE FROM azure_blob.grants WHERE role OPERATOR(pg_catalog.=) $1", 1, types,
	                          values, nullptr);
	right_cache.valid = false;
	PG_RETURN_BOOL(n > 0);
}

PG_FUNCTION_INFO_V1(azure_blob_has_admin_right);
/* azure_blob.has_admin_right(): the admin policy of azure_files and the admin views ask this. */
Datum
azure_blob_has_admin_right(PG_FUNCTION_ARGS) {
	PG_RETURN_BOOL(CurrentRight() == Right::kAdmin);
}

PG_FUNCTION_INFO_V1(azure_blob_require_admin);
/* azure_blob.require_admin(): first statement of the wrappers of owner-run maintenance functions. */
Datum
azure_blob_require_admin(PG_FUNCTION_ARGS) {
	RequireRight(Right::kAdmin);
	PG_RETURN_VOID();
}

} /* extern "C" */
