-- CreateTable
CREATE TABLE "StaffCall" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestId" TEXT NOT NULL,
    "staffId" TEXT,
    "role" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "action" TEXT,
    "caseId" TEXT,
    "status" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,

    CONSTRAINT "StaffCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StaffCall_staffId_at_idx" ON "StaffCall"("staffId", "at");

-- CreateIndex
CREATE INDEX "StaffCall_caseId_at_idx" ON "StaffCall"("caseId", "at");
