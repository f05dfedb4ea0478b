-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "fallbackFrom" TEXT;
