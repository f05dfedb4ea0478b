-- AlterTable
ALTER TABLE "CustomerSession" ADD COLUMN "verifiedUntil" DATETIME;

-- CreateTable
CREATE TABLE "CustomerCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "wrongTries" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "CustomerCode_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CustomerSession" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CustomerCode_sessionId_createdAt_idx" ON "CustomerCode"("sessionId", "createdAt");
