-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "fallbackFrom" "Channel";
