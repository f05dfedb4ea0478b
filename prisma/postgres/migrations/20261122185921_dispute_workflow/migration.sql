-- CreateEnum
CREATE TYPE "CardType" AS ENUM ('credit', 'debit');

-- AlterTable
ALTER TABLE "Card" ADD COLUMN     "statementDay" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "type" "CardType" NOT NULL DEFAULT 'credit';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "escalated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "nextDeadlineAt" TIMESTAMP(3),
ADD COLUMN     "provisionalCreditCents" INTEGER,
ADD COLUMN     "queue" TEXT NOT NULL DEFAULT 'agents',
ADD COLUMN     "resolvedAmountCents" INTEGER,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "RoutingRule" (
    "id" SERIAL NOT NULL,
    "priority" INTEGER NOT NULL,
    "reasonCode" TEXT,
    "tier" "CustomerTier",
    "minAmountCents" INTEGER,
    "maxAmountCents" INTEGER,
    "departmentId" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "RoutingRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffAlert" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "caseId" TEXT,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "StaffAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RoutingRule_priority_key" ON "RoutingRule"("priority");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAlert_idempotencyKey_key" ON "StaffAlert"("idempotencyKey");

-- CreateIndex
CREATE INDEX "StaffAlert_staffId_readAt_idx" ON "StaffAlert"("staffId", "readAt");

-- CreateIndex
CREATE INDEX "Case_slaBreached_idx" ON "Case"("slaBreached");

-- AddForeignKey
ALTER TABLE "RoutingRule" ADD CONSTRAINT "RoutingRule_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
