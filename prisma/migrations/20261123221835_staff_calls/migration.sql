-- CreateTable
CREATE TABLE "StaffCall" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestId" TEXT NOT NULL,
    "staffId" TEXT,
    "role" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "action" TEXT,
    "caseId" TEXT,
    "status" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT
);

-- CreateIndex
CREATE INDEX "StaffCall_staffId_at_idx" ON "StaffCall"("staffId", "at");

-- CreateIndex
CREATE INDEX "StaffCall_caseId_at_idx" ON "StaffCall"("caseId", "at");
