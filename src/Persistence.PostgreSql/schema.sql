-- OrleansTokens schema for PostgreSQL 13 or later: Orleans ADO.NET grain storage and clustering.
--
-- Idempotent: every statement can run again on an existing database. The migrator runs the whole file in
-- one transaction under an advisory lock, so silos that start together apply it once. It can also be run
-- by hand: psql -v ON_ERROR_STOP=1 -1 -f schema.sql
--
-- The Orleans ADO.NET providers read their SQL from the orleansquery table, by the key names below, with
-- named parameters (@Name) that the providers bind. Result column names are quoted where the providers
-- read them by name.

CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text        NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_tokens_schema (
    id         integer     PRIMARY KEY CHECK (id = 1),
    version    integer     NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Grain state. The natural key is (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext);
-- for string-keyed grains such as the user-tokens grain, grain_id_ext contains the whole key.
-- NOTE: an absent key extension is stored as '' so the key stays a plain unique index; a compound
-- Guid or integer key whose extension is the empty string therefore shares a row with the bare key.
CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id      varchar(150) NOT NULL,
    grain_type      varchar(512) NOT NULL,
    grain_id_n0     bigint       NOT NULL,
    grain_id_n1     bigint       NOT NULL,
    grain_id_ext    varchar(512) NOT NULL,
    grain_type_hash integer      NOT NULL,
    grain_id_hash   integer      NOT NULL,
    payload         bytea,
    version         integer      NOT NULL,
    modified_at     timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

-- Latest expiry of a user-token row, kept by a trigger so that the expired-state sweep finds its rows through
-- an index instead of reading every payload. '-infinity' marks a row with no payload or no entries, and NULL
-- a payload that the trigger cannot read (such a row is never swept).
CREATE OR REPLACE FUNCTION orleans_tokens_state_expiry() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    doc jsonb;
BEGIN
    IF NEW.payload IS NULL THEN
        NEW.expires_at := '-infinity';
        RETURN NEW;
    END IF;

    BEGIN
        doc := convert_from(NEW.payload, 'UTF8')::jsonb;
        SELECT CASE WHEN bool_or(e.at IS NULL) THEN NULL ELSE COALESCE(max(e.at), '-infinity') END
        INTO NEW.expires_at
        FROM (
            SELECT (t.value ->> 'expiresAt')::timestamptz AS at FROM jsonb_each(doc -> 'tokens') AS t
            UNION ALL
            SELECT (s.value ->> 'expiresAt')::timestamptz FROM jsonb_each(doc -> 'sessions') AS s
        ) AS e;
    EXCEPTION WHEN others THEN
        NEW.expires_at := NULL;
    END;
    RETURN NEW;
END;
$fn$;

-- Added in schema version 2. The column check keeps a second run from taking the table lock that ALTER TABLE
-- needs. Existing rows get their expiry by rewriting their payload, which runs the trigger.
DO $upgrade$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema()
          AND table_name = 'orleans_grain_state'
          AND column_name = 'expires_at')
    THEN
        ALTER TABLE orleans_grain_state ADD COLUMN expires_at timestamptz;
        CREATE INDEX orleans_grain_state_expiry_idx
            ON orleans_grain_state (service_id, grain_type, expires_at)
            WHERE expires_at IS NOT NULL;
        CREATE TRIGGER orleans_tokens_state_expiry
            BEFORE INSERT OR UPDATE OF payload ON orleans_grain_state
            FOR EACH ROW WHEN (NEW.grain_type = 'userTokens')
            EXECUTE FUNCTION orleans_tokens_state_expiry();
        UPDATE orleans_grain_state SET payload = payload WHERE grain_type = 'userTokens';
    END IF;
END;
$upgrade$;

-- Cluster membership: one version row per cluster (deployment) and one row per silo incarnation.
CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deployment_id varchar(150) PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans_membership (
    deployment_id   varchar(150)   NOT NULL,
    address         varchar(45)    NOT NULL,
    port            integer        NOT NULL,
    generation      integer        NOT NULL,
    silo_name       varchar(150)   NOT NULL,
    host_name       varchar(150)   NOT NULL,
    status          integer        NOT NULL,
    proxy_port      integer        NOT NULL DEFAULT 0,
    suspect_times   text,
    start_time      timestamptz(3) NOT NULL,
    i_am_alive_time timestamptz(3) NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Grain storage ---------------------------------------------------------------------------------------

('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '');
$sql$),

-- A first write (no version) inserts unless a row exists; a later write updates only the expected version.
-- No row back means a conflict, which the provider raises as InconsistentStateException.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext,
                                     grain_type_hash, grain_id_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''),
           @GrainTypeHash, @GrainIdHash, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted;
$sql$),

-- Keeps the row with no payload and a new version.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_at = now()
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version;
$sql$),

-- Used instead of ClearStorageKey when DeleteStateOnClear is set: removes the row. The value returned only
-- has to differ from the version sent.
('DeleteStorageKey', $sql$
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version + 1;
$sql$),

-- Clustering ------------------------------------------------------------------------------------------

('InsertMembershipVersionKey', $sql$
WITH inserted AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
$sql$),

('MembershipReadAllKey', $sql$
SELECT v.deployment_id     AS "DeploymentId",
       m.address           AS "Address",
       m.port              AS "Port",
       m.generation        AS "Generation",
       m.silo_name         AS "SiloName",
       m.host_name         AS "HostName",
       m.status            AS "Status",
       m.proxy_port        AS "ProxyPort",
       m.suspect_times     AS "SuspectTimes",
       m.start_time        AS "StartTime",
       m.i_am_alive_time   AS "IAmAliveTime",
       v.version           AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$sql$),

('MembershipReadRowKey', $sql$
SELECT v.deployment_id     AS "DeploymentId",
       m.address           AS "Address",
       m.port              AS "Port",
       m.generation        AS "Generation",
       m.silo_name         AS "SiloName",
       m.host_name         AS "HostName",
       m.status            AS "Status",
       m.proxy_port        AS "ProxyPort",
       m.suspect_times     AS "SuspectTimes",
       m.start_time        AS "StartTime",
       m.i_am_alive_time   AS "IAmAliveTime",
       v.version           AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Insert and update succeed only when the table version is still the one the silo read. The version row is
-- updated first, so concurrent writers queue on its lock and all but the first find a changed version.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM orleans_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address
                        AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           COALESCE(@ProxyPort, 0), @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
$sql$),

('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND EXISTS (SELECT 1 FROM orleans_membership
                  WHERE deployment_id = @DeploymentId AND address = @Address
                    AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE orleans_membership m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*)::integer FROM updated;
$sql$),

-- The heartbeat leaves the table version alone and never moves the time backwards.
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation;
$sql$),

('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0;
$sql$),

('DeleteMembershipTableEntriesKey', $sql$
WITH members AS (
    DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId
)
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
$sql$),

-- Removes silos that are dead (status 6), unsuspected, and silent since before the cutoff. The provider
-- uses this only when CleanupDefunctSiloEntryKey below is missing.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND start_time < @IAmAliveTime
  AND i_am_alive_time < @IAmAliveTime
  AND COALESCE(suspect_times, '') = '';
$sql$),

-- Removes one dead silo that the provider chose: dead, silent since before the cutoff, and without suspicions
-- at or after it. A silo killed by its peers carries their votes in suspect_times, which the query above
-- would keep forever. The row goes only if it is unchanged since the provider read it.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND suspect_times IS NOT DISTINCT FROM @SuspectTimes::text;
$sql$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO orleans_tokens_schema (id, version) VALUES (1, 2)
ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, applied_at = now();
