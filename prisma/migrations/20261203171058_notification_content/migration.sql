-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "body" TEXT;
ALTER TABLE "Notification" ADD COLUMN "subject" TEXT;
