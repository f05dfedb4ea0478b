-- DropIndex
DROP INDEX "CaseStay_leftAt_idx";

-- CreateTable
CREATE TABLE "RegulatoryDeadline" (
    "caseId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "passedAt" DATETIME,

    PRIMARY KEY ("caseId", "rule"),
    CONSTRAINT "RegulatoryDeadline_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseAssignment" (
    "caseId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "assignedAt" DATETIME NOT NULL,
    "actedAt" DATETIME,
    "passedAt" DATETIME,

    PRIMARY KEY ("caseId", "assignedAt"),
    CONSTRAINT "CaseAssignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "RegulatoryDeadline_dueAt_idx" ON "RegulatoryDeadline"("dueAt");

-- CreateIndex
CREATE INDEX "CaseAssignment_assignedAt_idx" ON "CaseAssignment"("assignedAt");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");

-- CreateIndex
CREATE INDEX "Case_resolvedAt_idx" ON "Case"("resolvedAt");

-- CreateIndex
CREATE INDEX "Case_retentionDecidedAt_idx" ON "Case"("retentionDecidedAt");

-- CreateIndex
CREATE INDEX "CaseEvent_type_caseId_at_idx" ON "CaseEvent"("type", "caseId", "at");

-- CreateIndex
CREATE INDEX "CaseEvent_at_actor_idx" ON "CaseEvent"("at", "actor");

-- CreateIndex
CREATE INDEX "CaseStay_leftAt_stage_departmentId_enteredAt_idx" ON "CaseStay"("leftAt", "stage", "departmentId", "enteredAt");

-- CreateIndex
CREATE INDEX "SurveyAnswer_answeredAt_idx" ON "SurveyAnswer"("answeredAt");

-- Backfill the deadlines from the events of cases whose clocks started before this migration.
-- Instants are kept as Prisma keeps them in SQLite: ISO text with an explicit UTC offset.
INSERT OR IGNORE INTO "RegulatoryDeadline" ("caseId", "rule", "dueAt")
SELECT e."caseId", json_extract(clock.value, '$.id'),
       strftime('%Y-%m-%dT%H:%M:%f+00:00', json_extract(clock.value, '$.deadline'))
FROM "CaseEvent" e CROSS JOIN json_each(e."data", '$.clocks') AS clock
WHERE e."type" = 'regulatory_clocks_started' AND json_extract(clock.value, '$.deadline') IS NOT NULL;

UPDATE "RegulatoryDeadline" SET "passedAt" = (
  SELECT MIN(p."at") FROM "CaseEvent" p
  WHERE p."type" = 'regulatory_deadline_passed' AND p."caseId" = "RegulatoryDeadline"."caseId"
    AND json_extract(p."data", '$.clock') = "RegulatoryDeadline"."rule");

-- Backfill the assignments: each ends at its agent's first event on the case, or at the next
-- assignment when that came first.
INSERT OR IGNORE INTO "CaseAssignment" ("caseId", "agentId", "assignedAt")
SELECT e."caseId", json_extract(e."data", '$.to'), e."at"
FROM "CaseEvent" e
WHERE e."type" = 'assigned' AND json_extract(e."data", '$.to') IS NOT NULL;

UPDATE "CaseAssignment" SET
  "actedAt" = (SELECT MIN(x."at") FROM "CaseEvent" x
               WHERE x."caseId" = "CaseAssignment"."caseId" AND x."actor" = "CaseAssignment"."agentId"
                 AND x."at" > "CaseAssignment"."assignedAt"),
  "passedAt" = (SELECT MIN(x."at") FROM "CaseEvent" x
                WHERE x."caseId" = "CaseAssignment"."caseId" AND x."type" = 'assigned'
                  AND x."at" > "CaseAssignment"."assignedAt");
UPDATE "CaseAssignment" SET "actedAt" = NULL WHERE "passedAt" IS NOT NULL AND "actedAt" > "passedAt";
UPDATE "CaseAssignment" SET "passedAt" = NULL WHERE "actedAt" IS NOT NULL;
