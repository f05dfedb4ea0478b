-- AlterTable
ALTER TABLE "CustomerSession" ADD COLUMN     "verifiedUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CustomerCode" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "wrongTries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CustomerCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerCode_sessionId_createdAt_idx" ON "CustomerCode"("sessionId", "createdAt");

-- AddForeignKey
ALTER TABLE "CustomerCode" ADD CONSTRAINT "CustomerCode_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CustomerSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
